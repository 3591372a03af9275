import { addMessages } from './messages.js';

addMessages({
  fr: {
    'org.newTitle': 'Nouvelle organisation', 'org.name': 'Nom', 'org.slug': 'Identifiant (dans l’adresse)',
    'org.slugHelp': 'Minuscules, chiffres et tirets, par exemple mairie-albi.', 'org.create': 'Créer l’organisation',
    'org.new': 'Nouvelle organisation', 'org.title': 'Organisation « {name} »', 'org.settings': 'Réglages',
    'org.logo': 'Logo (adresse d’une image, facultative)', 'org.licence': 'Licence par défaut des nouvelles campagnes',
    'org.licenceNone': 'Aucune (celle de la campagne)', 'org.attribution': 'Attribution par défaut',
    'org.save': 'Enregistrer', 'org.saved': 'Organisation enregistrée.', 'org.members': 'Membres',
    'org.member': 'Personne', 'org.role': 'Rôle', 'org.since': 'Depuis', 'org.actions': 'Actions',
    'org.remove': 'Retirer {name}', 'org.removed': '{name} ne fait plus partie de l’organisation.',
    'org.roleChanged': '{name} est maintenant {role}.', 'org.roleOf': 'Rôle de {name}',
    'org.confirmRemove': 'Retirer {name} de l’organisation ?', 'org.readOnly': 'Seuls les administrateurs de l’organisation modifient ces réglages et ses membres.',
    'org.campaigns': { one: '{count} campagne publique', other: '{count} campagnes publiques' },
  },
  en: {
    'org.newTitle': 'New organisation', 'org.name': 'Name', 'org.slug': 'Identifier (in the address)',
    'org.slugHelp': 'Lower-case letters, digits and hyphens, for example albi-town-hall.', 'org.create': 'Create the organisation',
    'org.new': 'New organisation', 'org.title': 'Organisation “{name}”', 'org.settings': 'Settings',
    'org.logo': 'Logo (address of an image, optional)', 'org.licence': 'Default licence of new campaigns',
    'org.licenceNone': 'None (the campaign’s own)', 'org.attribution': 'Default attribution',
    'org.save': 'Save', 'org.saved': 'Organisation saved.', 'org.members': 'Members',
    'org.member': 'Person', 'org.role': 'Role', 'org.since': 'Since', 'org.actions': 'Actions',
    'org.remove': 'Remove {name}', 'org.removed': '{name} is no longer in the organisation.',
    'org.roleChanged': '{name} is now {role}.', 'org.roleOf': 'Role of {name}',
    'org.confirmRemove': 'Remove {name} from the organisation?', 'org.readOnly': 'Only the organisation’s administrators change its settings and members.',
    'org.campaigns': { one: '{count} public campaign', other: '{count} public campaigns' },
  },
});
