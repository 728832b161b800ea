import type { ControlSync } from '../sync/control-sync.ts'

/**
 * True when the polls have something to show (a poll open, or results published). Apart from
 * the panel so the light view can load the panel only then.
 */
export function pollsActive(control: ControlSync): boolean {
	return (
		(control.vote().status === 'open' && !control.vote().revealed) ||
		(control.consensus().status === 'open' && !control.consensus().revealed) ||
		control.results().tally !== null
	)
}
