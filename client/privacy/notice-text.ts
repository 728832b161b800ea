import type { Language } from '../../shared/concertation/labels.ts'

/**
 * The privacy notice ("Données personnelles", SPEC D6), in each language. It lives here rather
 * than in the message catalogues so that only this page downloads it, not every participant's
 * phone. Keep it true: what Tablée collects, shows and keeps is described in docs/SPEC.md §D.
 */
export interface NoticeFacts {
	organisation: string | null
	contact: string | null
	retentionDays: number
}

export interface NoticeSection {
	id: string
	heading: string
	paragraphs: string[]
	list?: string[]
}

export function noticeText(language: Language, facts: NoticeFacts): { title: string; sections: NoticeSection[] } {
	if (language === 'en') return english(facts)
	const text = french(facts)
	// French typography: a no-break space before « : ; ? ! » keeps them off the start of a line.
	const typeset = (line: string) => line.replace(/ ([:;?!])/g, '\u00a0$1')
	return {
		title: text.title,
		sections: text.sections.map((section) => ({
			...section,
			heading: typeset(section.heading),
			paragraphs: section.paragraphs.map(typeset),
			list: section.list?.map(typeset),
		})),
	}
}

function french({ organisation, contact, retentionDays }: NoticeFacts) {
	return {
		title: 'Données personnelles',
		sections: [
			{
				id: 'controller',
				heading: 'Qui est responsable de ces données ?',
				paragraphs: [
					organisation
						? `Le responsable du traitement est ${organisation}, qui exploite ce serveur Tablée et organise les ateliers qui s’y tiennent.`
						: 'Le responsable du traitement est l’organisation qui exploite ce serveur Tablée et organise ses ateliers (l’exploitant n’a pas encore indiqué son nom : demandez-le à l’animation).',
					contact
						? `Pour toute question sur vos données ou pour exercer vos droits : ${contact}.`
						: 'Pour toute question sur vos données, adressez-vous à l’animation de votre atelier.',
				],
			},
			{
				id: 'collected',
				heading: 'Ce qui est collecté',
				paragraphs: ['Il n’y a pas de compte à créer. Tablée enregistre seulement :'],
				list: [
					'le nom ou prénom que vous saisissez en rejoignant l’atelier, et le collège au nom duquel vous parlez ;',
					'vos contributions (textes, images déposées sur le tableau) ;',
					'vos votes et vos réponses au test de consensus ;',
					'l’heure de votre arrivée et votre présence en ligne pendant l’atelier.',
				],
			},
			{
				id: 'why',
				heading: 'Pourquoi',
				paragraphs: [
					'Pour conduire la concertation : montrer les contributions de chacun·e, compter les votes par collège, et produire le document de synthèse remis au plaidoyer. Rien n’est vendu, ni utilisé à d’autres fins. Les journaux techniques du serveur ne contiennent ni noms ni contributions.',
				],
			},
			{
				id: 'retention',
				heading: 'Combien de temps',
				paragraphs: [
					`Les noms sont retirés automatiquement ${retentionDays} jours après la date de l’atelier : chaque nom est remplacé par son collège, les votes nominatifs sont réduits à des totaux, la liste des participant·es à un nombre par collège. Les résultats consolidés (contributions, recommandations, soutiens par collège) restent lisibles.`,
					'L’animation peut retirer les noms plus tôt (« Anonymiser maintenant ») ou supprimer l’atelier entièrement : tout est alors effacé du serveur, y compris les images. Les documents et archives que l’animation a téléchargés restent sous sa responsabilité.',
				],
			},
			{
				id: 'who-sees',
				heading: 'Qui voit quoi',
				paragraphs: [],
				list: [
					'Atelier pseudonyme (le réglage par défaut) : vos contributions montrent votre collège, jamais votre nom — à personne, animation comprise. Les documents produits ne contiennent pas de noms.',
					'Atelier nominatif (choisi à la création et annoncé) : vos contributions montrent votre nom, et les documents produits aussi.',
					'Dans les deux cas, la liste des présent·es montre les noms aux membres de l’atelier (participant·es, observateur·rices, animation).',
					'Votes : dans un vote anonyme, personne ne voit qui a voté quoi, pas même l’animation — seulement des totaux, où un collège de moins de trois votant·es est regroupé avec d’autres. Un vote nominatif, annoncé comme tel, publie les bulletins avec les noms une fois les résultats révélés. Les réponses au test de consensus sont toujours anonymes.',
					'« Ce que deviennent mes contributions » : une page que vous seul·e pouvez ouvrir, avec l’appareil qui vous a servi ou votre lien personnel, montre ce que sont devenues vos contributions. Ni les autres participant·es ni l’animation ne peuvent la voir ; l’animation imprime la fiche des seules personnes qui participent sur papier, pour qui elle écrit. Une fois les noms retirés (durée de conservation ou anonymisation), le lien entre vous et vos contributions disparaît et la page n’en montre plus.',
				],
			},
			{
				id: 'rights',
				heading: 'Vos droits',
				paragraphs: [
					'Vous pouvez accéder à vos données, les faire rectifier ou effacer, vous opposer à leur traitement ou en demander la limitation (RGPD, articles 15 à 21).',
					'« Retirer mon nom », dans le menu du tableau ou de la vue légère, efface votre nom tout de suite : vos contributions et vos votes restent, attribués à votre collège seulement. Vous pouvez aussi le demander à l’animation, qui peut le faire pour n’importe qui (y compris les personnes qui participent sur papier), ou au responsable du traitement.',
					'Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (cnil.fr).',
				],
			},
			{
				id: 'storage',
				heading: 'Cookies et stockage sur votre appareil',
				paragraphs: [
					'Tablée ne dépose aucun cookie et n’appelle aucun service tiers : pas de mesure d’audience, pas de publicité, pas de police ou de script chargés ailleurs que sur ce serveur.',
					'Votre navigateur garde seulement ce qui sert à vous reconnaître et à travailler : votre jeton personnel (pour revenir dans l’atelier sous le même nom), votre langue, les contributions en attente d’envoi, et sur le tableau une copie locale pour travailler hors ligne. Ces éléments sont strictement nécessaires au service que vous demandez : aucun bandeau de consentement n’est donc nécessaire. Vous pouvez les effacer à tout moment en supprimant les données de ce site dans votre navigateur.',
				],
			},
		],
	}
}

function english({ organisation, contact, retentionDays }: NoticeFacts) {
	return {
		title: 'Personal data',
		sections: [
			{
				id: 'controller',
				heading: 'Who is responsible for this data?',
				paragraphs: [
					organisation
						? `The data controller is ${organisation}, which runs this Tablée server and organises the workshops held on it.`
						: 'The data controller is the organisation that runs this Tablée server and its workshops (the operator has not given its name yet: ask your facilitator).',
					contact
						? `For any question about your data, or to exercise your rights: ${contact}.`
						: 'For any question about your data, ask your workshop’s facilitator.',
				],
			},
			{
				id: 'collected',
				heading: 'What is collected',
				paragraphs: ['There is no account to create. Tablée records only:'],
				list: [
					'the name you type when you join the workshop, and the college you speak for;',
					'your contributions (text, images put on the board);',
					'your votes and your answers to the consensus check;',
					'when you joined, and whether you are online during the workshop.',
				],
			},
			{
				id: 'why',
				heading: 'Why',
				paragraphs: [
					'To run the consultation: show everyone’s contributions, count votes per college, and produce the summary document handed to advocacy. Nothing is sold or used for anything else. The server’s technical logs hold neither names nor contributions.',
				],
			},
			{
				id: 'retention',
				heading: 'For how long',
				paragraphs: [
					`Names are removed automatically ${retentionDays} days after the workshop’s date: each name is replaced by its college, named ballots become totals, the list of participants a count per college. The consolidated results (contributions, recommendations, support per college) stay readable.`,
					'The facilitator can remove the names earlier (“Anonymise now”) or delete the workshop entirely: everything is then erased from the server, images included. Documents and archives the facilitator downloaded are their responsibility.',
				],
			},
			{
				id: 'who-sees',
				heading: 'Who sees what',
				paragraphs: [],
				list: [
					'Pseudonymous workshop (the default): your contributions show your college, never your name — to anyone, the facilitator included. The documents produced hold no names.',
					'Named workshop (chosen when it is created, and announced): your contributions show your name, and so do the documents produced.',
					'Either way, the list of who is here shows names to the workshop’s members (participants, observers, facilitator).',
					'Votes: in an anonymous vote nobody sees who voted for what, not even the facilitator — only totals, where a college with fewer than three voters is pooled with others. A named vote, announced as such, publishes the ballots with names once the results are revealed. Consensus-check answers are always anonymous.',
					'“What became of my contributions”: a page only you can open, with the device you used or your personal link, shows what became of your contributions. Neither the other participants nor the facilitator can see it; the facilitator prints the sheet of the people taking part on paper only, for whom they write. Once names are removed (retention period or anonymisation), the link between you and your contributions is gone and the page shows none.',
				],
			},
			{
				id: 'rights',
				heading: 'Your rights',
				paragraphs: [
					'You may access your data, have it corrected or erased, object to its processing or ask for it to be restricted (GDPR, articles 15 to 21).',
					'“Remove my name”, in the board’s or the light view’s menu, erases your name at once: your contributions and votes stay, attributed to your college only. You can also ask the facilitator, who can do it for anyone (people taking part on paper included), or the data controller.',
					'If you believe your rights are not respected, you may lodge a complaint with the CNIL, the French data protection authority (cnil.fr).',
				],
			},
			{
				id: 'storage',
				heading: 'Cookies and storage on your device',
				paragraphs: [
					'Tablée sets no cookie and calls no third-party service: no analytics, no advertising, no font or script loaded from anywhere but this server.',
					'Your browser keeps only what recognises you and lets you work: your personal token (to come back to the workshop under the same name), your language, contributions waiting to be sent, and on the board a local copy for working offline. These are strictly necessary for the service you ask for, so no consent banner is needed. You can erase them at any time by clearing this site’s data in your browser.',
				],
			},
		],
	}
}
