// The help text of `gatehouse --help`: one line per command, descriptions in one column.
import { KEY_ACTIVATION_DELAY_MS } from '../core/tokens/key-set.js';

export const USAGE = `Usage: gatehouse <command> [flags]

Commands:
  serve                         start the server (same as npm start)
  secret                        print a new random master secret (32 bytes, hex)
  secret --access-key           print the HS256 access key of GATEHOUSE_SECRET (or the development
                                secret) for services that verify tokens: it cannot mint refresh
                                tokens
  migrate                       apply pending database migrations
  keys rotate                   add an access-token signing key (JWT_ALG=EdDSA|ES256|RS256),
                                published at once, signing ${KEY_ACTIVATION_DELAY_MS / 1000} s later; the old one stays
                                published until its last token has expired
  keys rotate --id-token        add an ID-token signing key (OIDC_ID_TOKEN_ALG) in the database,
                                published at once, signing ${KEY_ACTIVATION_DELAY_MS / 1000} s later
  user list [--json]            list the users: id, username, email, role, disabled, created
  user create --username U --email E [--role R] [--full-name N]
                                create a user; the password is read from a hidden prompt or stdin
  user set-password (--username U | --id ID)
                                set a new password (hidden prompt, or stdin); ends every session
  user role (--username U | --id ID) --role R
                                give a user another role
  user verify-email (--username U | --id ID)
                                mark the user's email address verified (no mail is sent)
  user delete (--username U | --id ID) [--yes]
                                delete a user and end their sessions; asks first unless --yes
  user disable (--username U | --id ID)
                                disable a user and end all their sessions
  user enable (--username U | --id ID)
                                enable a user again
  user reset-mfa (--username U | --id ID)
                                remove every second factor (TOTP, recovery codes) and end all
                                their sessions, for a user who lost them
  user import (FILE | -) [--skip-invalid] [--update]
                                [--from auth0|firebase|supabase [--hash-config FILE]]
                                import users from JSON lines, or an export --from a system,
                                with their password hashes; the whole file is checked first
                                and a bad line writes nothing unless --skip-invalid; users
                                there already (by id or email) stay as they are unless
                                --update (docs/migrating.md)
  audit [--user U] [--type T] [--since 1h] [--limit N] [--json]
                                the stored audit events, newest first (default 100): about one
                                user (id, username or email), of one type, within a duration
  client add [--client-id ID] [--name N] [--redirect-uris U,U]
                                register an OpenID Connect client; its secret is printed once;
                                also --post-logout-redirect-uris U,U, --grant-types G,G,
                                --scope S, --auth-method M (or --public), --skip-consent
  client list [--json]          list the clients, declared (OIDC_CLIENTS) and registered
  client show --client-id ID [--json]
                                one client's metadata (never its secret)
  client rotate-secret --client-id ID
                                a new secret, printed once; the old one stops working
  client remove --client-id ID  delete a registered client
  webhook add --url U --events E,E [--description D]
                                register a webhook endpoint (events: types of docs/events.md,
                                or '*'); its secret is printed once
  webhook list [--json]         list the endpoints (never their secrets)
  webhook show --id ID [--json] one endpoint
  webhook update --id ID [--url U] [--events E,E] [--description D] [--enable | --disable]
                                change an endpoint; --enable turns it on again, failures cleared
  webhook rotate-secret --id ID a new secret, printed once; the old one signs too for 24 h
  webhook remove --id ID        delete an endpoint, its pending messages and delivery log
  webhook deliveries --id ID [--limit N] [--json]
                                the endpoint's delivery attempts, newest first (default 50)
  help, --help, -h              print this help

Roles must be declared in ROLES (default user,admin). The last active admin is never demoted
or deleted.
Passwords are never taken from flags: pipe one line to stdin when there is no terminal.
Settings come from the environment and .env (see the README).
Exit status: 0 done, 1 refused or failed, 2 usage error, 78 bad setting.`;
