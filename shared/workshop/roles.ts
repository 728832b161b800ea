/** Who a token speaks for. Facilitators drive the workshop, observers only read. */
export const roles = ['facilitator', 'participant', 'observer'] as const
export type Role = (typeof roles)[number]

/** Roles a shared join link can be issued for (the facilitator link is personal). */
export const linkRoles = ['participant', 'observer'] as const
export type LinkRole = (typeof linkRoles)[number]
