// The console's bundle (built by the Quarkus Web Bundler into /static/bundle/console-HASH.{js,css}):
// its styles and its modules, started by app.js.

import './console.css';
import './teamwork/teamwork.css';
import './attachments.css';
import './productivity.css';
import './app.js';
