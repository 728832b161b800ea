import * as v from 'valibot'

/**
 * The one shape of the ids the server makes (workshops, participants, contributions, syntheses):
 * random lowercase letters and digits (`randomId` gives 26), 8 to 40 accepted. Checked wherever an
 * id arrives from outside, before it names a file or a map key.
 */
export const ID_PATTERN = /^[a-z0-9]{8,40}$/

/** True when `value` has the shape of an id. */
export const isId = (value: string): boolean => ID_PATTERN.test(value)

/** The valibot schema of an id, with the message a refusal shows. */
export const idSchema = (message = 'not an id') => v.pipe(v.string(), v.regex(ID_PATTERN, message))
