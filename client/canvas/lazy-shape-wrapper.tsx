/** @jsxImportSource react */
import { type TLShapeWrapperProps, useEditor, useValue } from '@tldraw/tldraw'
import { forwardRef, type Ref, useRef } from 'react'
import { CARD_TYPE } from './contribution-cards.tsx'

/**
 * tldraw's shape wrapper (DefaultShapeWrapper), except that the content of a shape of tldraw's own
 * (a note, a drawing…) is first rendered when the shape comes into view, and then kept.
 *
 * tldraw renders every shape of the page, hiding those out of view (`display: none`): on a
 * 2 000-note board that is 2 000 notes' text turned into HTML and laid out before anything can
 * be used, most of it never seen (docs/performance.md). The wrapper itself (what tldraw positions
 * and hides) is always there; only what is inside waits. Contribution cards are always rendered:
 * the page finds them in the DOM (a card shown after a refused move, the cards' own controls).
 */
export const LazyShapeWrapper = forwardRef(function LazyShapeWrapper(
	{ children, shape, isBackground, ...props }: TLShapeWrapperProps,
	ref: Ref<HTMLDivElement>,
) {
	const editor = useEditor()
	const shown = useRef(false)
	const lazy = shape.type !== CARD_TYPE
	const culled = useValue('culled', () => lazy && !shown.current && editor.getCulledShapes().has(shape.id), [
		editor,
		shape.id,
		lazy,
	])
	if (!culled) shown.current = true
	const isFilledShape = 'fill' in shape.props && shape.props.fill !== 'none'
	return (
		<div
			ref={ref}
			data-shape-type={shape.type}
			data-shape-is-filled={isBackground ? undefined : isFilledShape}
			data-shape-id={shape.id}
			draggable={false}
			{...props}
			className={['tl-shape', isBackground && 'tl-shape-background', props.className].filter(Boolean).join(' ')}
		>
			{shown.current ? children : null}
		</div>
	)
})
