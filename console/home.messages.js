// Texts of the home's live figures (console/home.js), in French and English.
import { addMessages } from './messages.js';

addMessages({
  fr: {
    'home.countNote': 'masquées et non publiées comprises',
    'home.backlog': { one: '{count} à valider', other: '{count} à valider' },
    'home.flagged': { one: '{count} signalée', other: '{count} signalées' },
    'home.contributors': { one: '{count} contributeur', other: '{count} contributeurs' },
    'home.lastActivity': 'Dernière activité : {date}', 'home.noActivity': 'Aucune activité',
    'home.dashboard': 'Tableau de bord', 'home.figuresOf': 'Chiffres de {title}',
    'home.myRole.owner': 'propriétaire', 'home.myRole.validator': 'valideur', 'home.myRole.contributor': 'contributeur',
  },
  en: {
    'home.countNote': 'hidden and unpublished included',
    'home.backlog': { one: '{count} awaiting review', other: '{count} awaiting review' },
    'home.flagged': { one: '{count} flagged', other: '{count} flagged' },
    'home.contributors': { one: '{count} contributor', other: '{count} contributors' },
    'home.lastActivity': 'Last activity: {date}', 'home.noActivity': 'No activity yet',
    'home.dashboard': 'Dashboard', 'home.figuresOf': 'Figures of {title}',
    'home.myRole.owner': 'owner', 'home.myRole.validator': 'validator', 'home.myRole.contributor': 'contributor',
  },
});
