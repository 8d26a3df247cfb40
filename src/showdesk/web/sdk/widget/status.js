// What the customer reads in the widget's status line, in the widget's language.

export function routingStatus(t, { state, position, text } = {}, agentName = null) {
  switch (state) {
    case 'queued':
      if (position === 1) return { text: t('waitingNext') };
      if (position > 1) return { text: t('waitingNumber', { position }) };
      return { text: t('waiting') };
    case 'no_agent_available':
      return { text: t('noAgent'), tone: 'warning' };
    case 'offered':
      return { text: t('offered') };
    case 'connected':
      return { text: agentName ? t('chattingWith', { name: agentName }) : t('agentWithYou') };
    case 'ended':
      return { text: t('chatEnded') };
    default:
      return { text: text || t('waiting') };
  }
}

/** The status for the chat as it stands (after a start, a resume or a reconnect). */
export function chatStatus(t, chat) {
  if (chat.state === 'ended') return { text: t('chatEnded') };
  if (chat.state === 'connected') return routingStatus(t, { state: 'connected' }, chat.agentName);
  if (chat.state === 'starting') return { text: t('connecting') };
  if (chat.routing && chat.routing.state !== 'connected') return routingStatus(t, chat.routing);
  return { text: t('waiting') };
}

export function agentLeftNotice(t, { agentName, reason }) {
  const name = agentName || t('theAgent');
  if (reason === 'transferred') return t('agentTransferred', { name });
  if (reason === 'disconnected') return t('agentDisconnected', { name });
  return t('agentLeft', { name });
}

export function chatEndedNotice(t, by) {
  if (by === 'customer') return t('endedByCustomer');
  if (by === 'agent') return t('endedByAgent');
  return t('chatEnded');
}
