// RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as authenticator apps compute it.
import { createHmac } from 'node:crypto'

function base32(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c)
    if (v < 0) throw new Error(`not base32: ${c}`)
    bits += v.toString(2).padStart(5, '0')
  }
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

export function totpAt(secret, step) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32(secret)).update(counter).digest()
  const off = mac[mac.length - 1] & 0xf
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000
  return String(n).padStart(6, '0')
}

export const currentStep = () => Math.floor(Date.now() / 30_000)

const lastStep = new Map()
/** A code for `secret` never used before in this process (a code works once): waits for the next step if needed. */
export async function freshTotp(secret) {
  let step = currentStep()
  while ((lastStep.get(secret) ?? -1) >= step) {
    await new Promise((r) => setTimeout(r, 1000))
    step = currentStep()
  }
  lastStep.set(secret, step)
  return totpAt(secret, step)
}
