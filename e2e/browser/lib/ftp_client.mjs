// A minimal FTP control connection (RFC 959): connect, USER, PASS, then
// stay idle. That is all a test needs to hold a real logged-in session on
// the daemon's FTP port and to see the server close it.
import net from 'node:net';
import { withTimeout } from './wait.mjs';

// FtpClient reads the server's replies and records how the connection ended.
class FtpClient {
  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.lines = []; // the lines of a reply still being read
    this.replies = [];
    this.waiters = [];
    this.ended = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => this.#read(chunk));
    // 'end' is the server's FIN; 'close' follows once both sides are done.
    socket.on('end', () => { this.ended = true; });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    this.failed = new Promise((_, reject) => socket.on('error', reject));
    this.failed.catch(() => {}); // seen through reply() or closed, not unhandled
  }

  // #read splits the stream into replies. A multi-line reply starts with
  // "NNN-" and ends with a line that starts with "NNN ".
  #read(chunk) {
    this.buffer += chunk;
    let end;
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.lines.push(line);
      const code = this.lines[0].slice(0, 3);
      if (/^\d{3} /.test(line) && line.startsWith(code)) {
        this.#deliver({ code: Number(code), text: this.lines.join('\n') });
        this.lines = [];
      }
    }
  }

  #deliver(reply) {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(reply);
    } else {
      this.replies.push(reply);
    }
  }

  // reply resolves with the server's next complete reply.
  reply(timeout = 10000) {
    const next = this.replies.length
      ? Promise.resolve(this.replies.shift())
      : new Promise((resolve) => this.waiters.push(resolve));
    return withTimeout(Promise.race([next, this.failed]), timeout, 'an FTP reply');
  }

  // command sends one command line and resolves with its reply.
  command(line, timeout) {
    this.socket.write(`${line}\r\n`);
    return this.reply(timeout);
  }

  // isClosed tells whether the server has closed the connection.
  isClosed() {
    return this.socket.destroyed || this.ended;
  }

  // close drops the connection from the client's side (test cleanup).
  close() {
    this.socket.destroy();
  }
}

// expect checks a reply's code; a wrong one fails with the server's text.
function expect(reply, code, what) {
  if (reply.code !== code) {
    throw new Error(`FTP ${what}: want ${code}, got ${reply.text}`);
  }
}

// ftpLogin connects to host:port and logs in as user; it resolves with the
// logged-in client once the server has answered 230.
export async function ftpLogin({ host, port, user, pass }) {
  const socket = net.connect({ host, port });
  const client = new FtpClient(socket);
  try {
    await withTimeout(
      Promise.race([new Promise((resolve) => socket.once('connect', resolve)), client.failed]),
      10000, `an FTP connection to ${host}:${port}`);
    expect(await client.reply(), 220, 'greeting');
    expect(await client.command(`USER ${user}`), 331, 'USER');
    expect(await client.command(`PASS ${pass}`), 230, 'PASS');
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}
