// The console's sections, in navigation order, with the permissions that let someone read each.

import { mountQueues } from './queues.js';
import { mountSkills } from './skills.js';
import { mountWrapupCodes } from './wrapup-codes.js';
import { mountUsers } from './users.js';
import { mountRoles } from './roles.js';
import { mountDeployments } from './deployments.js';
import { mountFlows } from './flows.js';
import { mountClients } from './clients.js';
import { mountTurnServers } from './turn.js';
import { mountLicense } from './license.js';
import { mountAudit } from './audit.js';
import { mountCannedResponses } from './canned-responses.js';

export const SECTIONS = [
  { key: 'queues', label: 'Queues', group: 'Routing', read: ['directory:view'], mount: mountQueues },
  { key: 'skills', label: 'Skills', group: 'Routing', read: ['directory:view'], mount: mountSkills },
  { key: 'wrapup', label: 'Wrap-up codes', group: 'Routing', read: ['directory:view'], mount: mountWrapupCodes },
  { key: 'users', label: 'Users', group: 'People', read: ['directory:view'], mount: mountUsers },
  { key: 'roles', label: 'Roles', group: 'People', read: ['directory:view'], mount: mountRoles },
  { key: 'deployments', label: 'Web chat', group: 'Channels', read: ['security:oauthclient:edit'], mount: mountDeployments },
  { key: 'flows', label: 'Flows', group: 'Channels', read: ['architect:flow:view'], mount: mountFlows },
  { key: 'canned', label: 'Canned responses', group: 'Agent desktop', read: ['cannedResponses:manage'], mount: mountCannedResponses },
  { key: 'clients', label: 'API clients', group: 'Integrations', read: ['security:oauthclient:edit'], mount: mountClients },
  { key: 'turn', label: 'Video trunks', group: 'Integrations', read: ['telephony:trunk:edit'], mount: mountTurnServers },
  { key: 'license', label: 'Licence', group: 'Organization', read: ['directory:view'], mount: mountLicense },
  { key: 'audit', label: 'Audit log', group: 'Organization', read: ['audit:view'], mount: mountAudit },
];
