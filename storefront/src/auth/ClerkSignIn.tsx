/**
 * Clerk's sign-in component (lazily loaded with the rest of Clerk). It returns to the sign-in page, which then sends
 * the signed-in person where their role lands (landing.ts): where they were going, or /admin for an admin.
 */
import { SignIn } from '@clerk/react';
import { signInPath } from '../components/RequireSignIn.tsx';

export default function ClerkSignIn({ next }: { next: string }) {
  const back = signInPath(next);
  return <SignIn routing="hash" forceRedirectUrl={back} signUpForceRedirectUrl={back} />;
}
