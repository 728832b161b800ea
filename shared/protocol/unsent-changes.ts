/**
 * True when the local document holds changes the server has not acknowledged: some client's
 * clock is ahead locally. Both arguments are decoded state vectors (client id → clock).
 */
export function hasUnsentChanges(local: Map<number, number>, server: Map<number, number> | null): boolean {
	if (server === null) return local.size > 0
	for (const [client, clock] of local) if (clock > (server.get(client) ?? 0)) return true
	return false
}

/** Delay before reconnection attempt `attempt` (0-based): exponential with full jitter. */
export function reconnectDelay(attempt: number, random: number, baseMs = 500, maxMs = 15_000): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16))
	return Math.round(ceiling / 2 + (random * ceiling) / 2)
}
