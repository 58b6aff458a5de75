/** Why a sign-in could not start or complete; in its own module so that pages load openid-client only in team mode. */
export class SignInError extends Error {
  override name = "SignInError";
}
