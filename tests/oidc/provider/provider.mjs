// A real OpenID Connect provider for the sign-in tests: oidc-provider (npm, devDependency) with
// its development login pages, which accept any login. Usage: node provider.mjs PORT APP_PORT
// The account of login L is subject L (its account id), e-mail L@example.org, verified unless L starts
// with "unverified". In-memory storage and development keys: for tests only.
import Provider from 'oidc-provider';

const [port, appPort] = process.argv.slice(2).map(Number);
if (!port || !appPort) {
  console.error('usage: node provider.mjs PORT APP_PORT');
  process.exit(2);
}

function findAccount(ctx, id) {
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        email: `${id}@example.org`,
        email_verified: !id.startsWith('unverified'),
        name: `Agent ${id}`,
      };
    },
  };
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'releve',
    client_secret: 'secret',
    redirect_uris: [`http://127.0.0.1:${appPort}/api/v1/auth/oidc/callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  findAccount,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  cookies: { keys: ['test-only-cookie-key'] },
});
provider.listen(port, '127.0.0.1', () => console.log(`provider ready on ${port}`));
process.on('SIGTERM', () => process.exit(0));
