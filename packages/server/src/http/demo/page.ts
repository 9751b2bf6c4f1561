// The demo page's HTML and CSS, kept in TypeScript so every build output carries them. Its
// scripts (demo-page.ts, demo-mail.ts) and the client modules load from /demo/js/ as compiled by tsc.

export const demoPageHtml = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Gatehouse demo</title>
  <link rel="stylesheet" href="/demo/demo.css">
  <script type="module" src="/demo/js/demo/demo-page.js"></script>
</head>
<body>
  <h1>Gatehouse demo</h1>
  <p>This page uses <code>@gatehouse-auth/client</code> with localStorage: open it in two tabs, and they stay logged in together.</p>
  <p id="message" role="alert"></p>
  <p id="notice" role="status"></p>

  <form id="cancel-change-form" hidden>
    <h2>Someone asked to change your address</h2>
    <p>If it was not you: cancel the change; every session of the account ends. Then change your password.</p>
    <button type="submit">This wasn't me: cancel the change</button>
  </form>

  <form id="reset-form" hidden>
    <h2>Set a new password</h2>
    <label>Email <input name="email" type="email" autocomplete="username" required></label>
    <label>New password <input name="new_password" type="password" autocomplete="new-password" minlength="8" required></label>
    <button type="submit">Set the password and log in</button>
  </form>

  <section id="logged-out" hidden>
    <div id="providers"></div>
    <form id="login-form">
      <h2>Log in</h2>
      <label>Username or email <input name="login" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Log in</button> <button id="forgot" type="button">Forgot password?</button>
    </form>
    <form id="forgot-form" hidden>
      <h2>Forgot password</h2>
      <label>Email <input name="email" type="email" autocomplete="email" required></label>
      <button type="submit">Email me a reset link</button>
    </form>
    <form id="magic-form">
      <h2>Log in by email</h2>
      <label>Email <input id="magic-email" name="email" type="email" autocomplete="email" required></label>
      <button type="submit">Email me a link</button>
    </form>
    <form id="code-form" hidden>
      <label>The 6-digit code from the mail <input name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required></label>
      <button type="submit">Log in with the code</button>
    </form>
    <form id="mfa-form" hidden>
      <h2>Second step</h2>
      <p>This account has two-factor authentication: enter the code your authenticator app shows, or a recovery code.</p>
      <label>Kind <select name="factor"><option value="totp">Code from the app</option><option value="recovery_code">Recovery code</option></select></label>
      <label>Code <input name="code" autocomplete="one-time-code" required></label>
      <button type="submit">Verify</button>
    </form>
    <form id="register-form">
      <h2>Register</h2>
      <label>Username <input name="username" autocomplete="username" required></label>
      <label>Email <input name="email" type="email" autocomplete="email" required></label>
      <label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
      <button type="submit">Register</button>
    </form>
    <form id="passkey-login-form">
      <h2>Sign in with a passkey</h2>
      <label>Username or email (optional: leave empty to pick a passkey this device holds)
        <input name="username" autocomplete="username webauthn"></label>
      <button type="submit">Sign in with a passkey</button>
    </form>
  </section>

  <section id="logged-in" hidden>
    <h2>Logged in as <span id="who"></span></h2>
    <p>Access token expires in <strong id="token-life"></strong></p>
    <p><button id="call-me" type="button">GET /users/me</button> <button id="logout" type="button">Log out</button></p>
    <pre id="me-result"></pre>
    <p><button id="send-verification" type="button">Email me a verification link</button></p>
    <form id="email-form">
      <h2>Change my email</h2>
      <label>New email <input name="new_email" type="email" autocomplete="email" required></label>
      <label>Password <input name="current_password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Send a confirmation link</button>
    </form>
    <form id="delete-form">
      <h2>Delete my account</h2>
      <label>Password <input name="current_password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Delete my account</button>
    </form>
    <h3>Two-factor authentication</h3>
    <p id="mfa-status"></p>
    <p><button id="totp-start" type="button">Set up TOTP</button></p>
    <div id="totp-enrol" hidden>
      <p>Scan this code with an authenticator app, or type the secret.</p>
      <div id="totp-qr"></div>
      <p>Secret: <code id="totp-secret"></code></p>
      <form id="totp-confirm-form">
        <label>Code from the app <input name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
        <button type="submit">Confirm</button>
      </form>
    </div>
    <div id="recovery" hidden>
      <p>Your recovery codes, shown this once: each one replaces a code from the app for one login.</p>
      <pre id="recovery-codes"></pre>
    </div>
    <h2>Passkeys</h2>
    <ul id="passkey-list"></ul>
    <form id="add-passkey-form">
      <label>Name (optional) <input name="name" maxlength="64" placeholder="e.g. Laptop"></label>
      <button type="submit">Add a passkey</button>
    </form>
    <h3 id="identities-heading" hidden>Linked identities</h3>
    <ul id="identities"></ul>
    <p id="link-providers"></p>
  </section>
  <p><a href="/docs">API docs</a></p>
</body>
</html>
`;

export const demoPageCss = `body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
form { border: 1px solid #ccc; border-radius: 6px; padding: 0 1rem 1rem; margin-bottom: 1rem; }
label { display: block; margin: .5rem 0; }
input { display: block; width: 100%; box-sizing: border-box; padding: .3rem; }
pre { background: #f4f4f4; padding: .5rem; overflow: auto; }
select { display: block; padding: .3rem; }
#totp-qr svg { width: 12rem; height: 12rem; }
#message { color: #a00; }
#notice { color: #060; }
#providers button, #link-providers button { margin: 0 .5rem .5rem 0; }
`;
