export { type Decider, fold, isRejection, type Process, type Rejection, reject } from './decider.ts';
