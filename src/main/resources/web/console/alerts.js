// New-message alerts (C12): a short tone, a desktop notification when the browser allows
// it, and a flashing tab title while the tab is hidden. Each can be switched off; the
// choice is remembered in this browser.

const STORAGE = 'switchboard.console.alerts';
const prefs = {sound: true, desktop: true, title: true};
try {
  Object.assign(prefs, JSON.parse(localStorage.getItem(STORAGE)) || {});
} catch (e) {
  // defaults
}

let audio = null;
let flashTimer = null;
let baseTitle = document.title;

export function get(name) {
  return !!prefs[name];
}

export function set(name, on) {
  prefs[name] = !!on;
  try {
    localStorage.setItem(STORAGE, JSON.stringify(prefs));
  } catch (e) {
    // kept for this page only
  }
  if (name === 'title' && !on) {
    stopFlash();
  }
}

export function setBaseTitle(title) {
  baseTitle = title;
  if (!flashTimer) {
    document.title = title;
  }
}

// Browsers start audio only after a user gesture: create the context on the first one.
function unlockAudio() {
  if (!audio && (window.AudioContext || window.webkitAudioContext)) {
    audio = new (window.AudioContext || window.webkitAudioContext)();
  }
  if (audio && audio.state === 'suspended') {
    audio.resume().catch(() => {});
  }
}
window.addEventListener('pointerdown', unlockAudio, {capture: true});
window.addEventListener('keydown', unlockAudio, {capture: true});

function beep() {
  if (!audio || audio.state !== 'running') {
    return;
  }
  const now = audio.currentTime;
  const gain = audio.createGain();
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.15, now + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
  gain.connect(audio.destination);
  for (const [freq, at] of [[880, 0], [1175, 0.12]]) {
    const osc = audio.createOscillator();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(freq, now + at);
    osc.connect(gain);
    osc.start(now + at);
    osc.stop(now + at + 0.2);
  }
}

function flash(text) {
  if (flashTimer) {
    return;
  }
  let on = false;
  flashTimer = setInterval(() => {
    on = !on;
    document.title = on ? text : baseTitle;
  }, 1000);
  document.title = text;
}

function stopFlash() {
  clearInterval(flashTimer);
  flashTimer = null;
  document.title = baseTitle;
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    stopFlash();
  }
});

export function notificationsSupported() {
  return 'Notification' in window;
}

export function permission() {
  return notificationsSupported() ? Notification.permission : 'denied';
}

export async function askPermission() {
  if (notificationsSupported() && Notification.permission === 'default') {
    await Notification.requestPermission();
  }
  return permission();
}

/**
 * Alerts the agent. {title, body, tag, titleText}: the notification's title and body,
 * a tag that folds several alerts of one conversation into one, the flashing title.
 */
export function alert({title, body, tag, titleText, onClick}) {
  if (prefs.sound) {
    beep();
  }
  if (!document.hidden) {
    return;
  }
  if (prefs.desktop && permission() === 'granted') {
    try {
      const n = new Notification(title, {body, tag});
      n.onclick = () => {
        window.focus();
        n.close();
        if (onClick) {
          onClick();
        }
      };
    } catch (e) {
      // some platforms only allow notifications from a service worker
    }
  }
  if (prefs.title) {
    flash(titleText);
  }
}
