import type { Language } from '../../shared/concertation/labels.ts'
import { buildSynthesisDocument } from '../../shared/consolidation/render-synthesis.ts'
import type { SynthesisModel } from '../../shared/consolidation/synthesis.ts'
import { renderLayoutDocx } from './render-docx.ts'
import { renderLayoutPdf } from './render-pdf.ts'

/**
 * N5: the national synthesis as a Word document and a PDF: its document layout rendered by the
 * same renderers as a workshop's document (E9, E13), so both read the same and escape the same.
 */
export function renderSynthesisDocx(model: SynthesisModel, language: Language): Promise<Buffer> {
	return renderLayoutDocx(buildSynthesisDocument(model, language))
}

export function renderSynthesisPdf(model: SynthesisModel, language: Language): Promise<Buffer> {
	return renderLayoutPdf(buildSynthesisDocument(model, language))
}
