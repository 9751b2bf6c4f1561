// The demo page's HTML and CSS, kept in TypeScript so every build output carries them. Its
// script (demo-page.ts) and the client modules load from /demo/js/ as compiled by tsc.

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

  <section id="logged-out" hidden>
    <div id="providers"></div>
    <form id="login-form">
      <h2>Log in</h2>
      <label>Username or email <input name="login" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Log in</button>
    </form>
    <form id="register-form">
      <h2>Register</h2>
      <label>Username <input name="username" autocomplete="username" required></label>
      <label>Email <input name="email" type="email" autocomplete="email" required></label>
      <label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
      <button type="submit">Register</button>
    </form>
  </section>

  <section id="logged-in" hidden>
    <h2>Logged in as <span id="who"></span></h2>
    <p>Access token expires in <strong id="token-life"></strong></p>
    <p><button id="call-me" type="button">GET /users/me</button> <button id="logout" type="button">Log out</button></p>
    <pre id="me-result"></pre>
    <h3>Linked identities</h3>
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
#message { color: #a00; }
#providers button, #link-providers button { margin: 0 .5rem .5rem 0; }
`;
