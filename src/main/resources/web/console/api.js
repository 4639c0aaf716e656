// The REST API of docs/protocol.md with the signed-in user's token; a 401 signs out.

import {signOut} from './app.js';
import {S} from './state.js';

export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (S.session) {
    headers.Authorization = `Bearer ${S.session.token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`/api/v1${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401 && S.session) {
    signOut();
  }
  if (!res.ok) {
    throw new HttpError(res.status, data);
  }
  return data;
}
