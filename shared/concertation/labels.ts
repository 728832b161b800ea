/** Languages of the interface: French first, English second. */
export const languages = ['fr', 'en'] as const
export type Language = (typeof languages)[number]

/** A label given in every interface language. */
export type Label = Record<Language, string>
