// The serial-console protocol between the host and the lab agent running as init in the QEMU guest. One
// serial line carries everything: the guest kernel's messages, the agent's replies (lines beginning
// `@hvb `), and the host's requests. Requests are numbered; a reply names the request it answers.
//
//   host → guest                          guest → host
//                                         @hvb ready                       (init finished; agent listening)
//   put <id> <path> <chars> <chunk>       @hvb ack <id>                    (send base64 now)
//   ≤ <chunk> chars of base64, no NL      @hvb ack <id>                    (after each chunk)
//                                         @hvb done <id> <status>          (decoded into <path>)
//   run <id> <shell command>              @hvb data <id> <base64 line> …   (the command's stdout)
//                                         @hvb err <id> <text> …           (the last lines of its stderr)
//                                         @hvb done <id> <status>
//
// Base64 keeps binary files and stdout off the terminal's control characters. The agent puts the tty in raw
// mode without echo and reads each chunk with `head -c`; the host sends the next chunk only after the ack.
// A raw tty without flow control keeps unread input in its flip buffers, up to 640 KiB
// (TTYB_DEFAULT_MEM_LIMIT in Linux drivers/tty/tty_buffer.c), and drops what comes beyond: a chunk stays far
// below that. Waiting also means `head` can never read past its chunk.
//
// A console that reaches the agent through a hypervisor can hold far less. Xen keeps what its serial line
// receives for dom0 in a ring of 128 characters and drops whatever arrives while the ring is full
// (SERIAL_RX_SIZE and __serial_rx in xen/drivers/char/console.c) — dom0 drains it only when its kernel takes
// VIRQ_CONSOLE. A session over such a console says how many characters may be unread at once
// (QemuBootOptions.consoleInputChars): chunks, and request lines, stay within it.

/** base64 characters per acknowledged chunk on a guest's own serial port: well under the tty's 640 KiB */
export const PUT_CHUNK_CHARS = 32768;
export const PREFIX = '@hvb ';

export type AgentMessage =
  | { kind: 'ready' }
  | { kind: 'ack'; id: number }
  | { kind: 'data'; id: number; base64: string }
  | { kind: 'err'; id: number; text: string }
  | { kind: 'done'; id: number; status: number };

/** one console line → a protocol message, or null for anything else (kernel messages, noise) */
export function parseAgentLine(raw: string): AgentMessage | null {
  const line = raw.replace(/\r$/, '');
  const at = line.indexOf(PREFIX);
  if (at < 0) return null;
  const [verb, idText, ...rest] = line.slice(at + PREFIX.length).split(' ');
  if (verb === 'ready') return { kind: 'ready' };
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id < 0) return null;
  switch (verb) {
    case 'ack': return { kind: 'ack', id };
    case 'data': return { kind: 'data', id, base64: rest.join('') };
    case 'err': return { kind: 'err', id, text: rest.join(' ') };
    case 'done': {
      const status = Number(rest[0]);
      return Number.isInteger(status) ? { kind: 'done', id, status } : null;
    }
    default: return null;
  }
}

/** splits a byte stream into lines; keeps an unfinished last line for the next chunk */
export class LineSplitter {
  private partial = '';
  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }
}

/** the base64 chunks of a file sent with `put`, each at most `chunkChars` characters */
export function base64Chunks(data: Uint8Array, chunkChars: number): string[] {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkChars) chunks.push(text.slice(i, i + chunkChars));
  return chunks;
}

/**
 * The agent, a busybox ash function the image's /init calls last. Commands run with stdin from /dev/null so
 * they cannot eat the protocol's input.
 */
export const AGENT_SCRIPT = `
hvb_agent() {
  stty raw -echo 2>/dev/null
  echo "@hvb ready"
  while read -r verb id rest; do
    case "$verb" in
      put)
        set -- $rest
        left=$2
        chunk=$3
        : > /tmp/.hvb-put
        echo "@hvb ack $id"
        while [ "$left" -gt 0 ]; do
          n=$left
          [ "$n" -gt "$chunk" ] && n=$chunk
          head -c "$n" >> /tmp/.hvb-put
          left=$((left - n))
          echo "@hvb ack $id"
        done
        base64 -d /tmp/.hvb-put > "$1"
        echo "@hvb done $id $?"
        ;;
      run)
        sh -c "$rest" < /dev/null > /tmp/.hvb-out 2> /tmp/.hvb-err
        st=$?
        base64 /tmp/.hvb-out | sed "s/^/@hvb data $id /"
        tail -n 3 /tmp/.hvb-err | sed "s/^/@hvb err $id /"
        echo "@hvb done $id $st"
        ;;
    esac
  done
}
`;
