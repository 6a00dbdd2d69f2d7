/** Clerk's sign-in component (lazily loaded with the rest of Clerk), returning to where the shopper was going. */
import { SignIn } from '@clerk/react';

export default function ClerkSignIn({ next }: { next: string }) {
  return <SignIn routing="hash" forceRedirectUrl={next} signUpForceRedirectUrl={next} />;
}
