import type { Refusal } from '../concertation/contribution-rules.ts'
import type { Result } from '../result.ts'
import { err, ok } from '../result.ts'
import type { LinkRole } from './roles.ts'

const refuse = (status: Refusal['status'], code: string, message: string) => err<Refusal>({ status, code, message })

/** A college of the workshop, or a refusal naming the unknown id. */
export function checkCollege(colleges: readonly { id: string }[], college: string): Result<string, Refusal> {
	if (!colleges.some((known) => known.id === college)) {
		return refuse(400, 'unknown_college', `no college with id "${college}" in this workshop`)
	}
	return ok(college)
}

/** A3: the college a person joins with: participants choose one of the workshop's, observers none. */
export function joiningCollege(
	role: LinkRole,
	college: string | null,
	colleges: readonly { id: string }[],
): Result<string | null, Refusal> {
	if (role === 'observer') {
		return college === null ? ok(null) : refuse(400, 'college_not_allowed', 'observers do not speak for a college')
	}
	if (college === null) return refuse(400, 'college_required', 'participants choose the college they speak for')
	return checkCollege(colleges, college)
}
