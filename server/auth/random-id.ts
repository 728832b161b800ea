import { randomBytes } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/**
 * An unguessable id: 26 lowercase base32 characters (130 random bits). Used for workshops,
 * participants and uploaded files — ids that also appear in URLs and file names.
 */
export function randomId(): string {
	return [...randomBytes(26)].map((byte) => ALPHABET[byte & 31]).join('')
}
