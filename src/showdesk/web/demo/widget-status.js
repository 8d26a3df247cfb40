// What the customer reads in the widget's status line, in words.

export function routingStatus({ state, position, text } = {}, agentName = null) {
  switch (state) {
    case 'queued':
      if (position === 1) return { text: 'Waiting for an agent… You are next in line.' };
      if (position > 1) return { text: `Waiting for an agent… You are number ${position} in line.` };
      return { text: 'Waiting for an agent…' };
    case 'no_agent_available':
      return { text: 'No agent is available right now — you stay in line.', tone: 'warning' };
    case 'offered':
      return { text: 'An agent is about to join…' };
    case 'connected':
      return { text: agentName ? `Chatting with ${agentName}` : 'An agent is with you.' };
    case 'ended':
      return { text: 'This chat has ended.' };
    default:
      return { text: text || 'Waiting for an agent…' };
  }
}

/** The status for the chat as it stands (after a start, a resume or a reconnect). */
export function chatStatus(chat) {
  if (chat.state === 'ended') return { text: 'This chat has ended.' };
  if (chat.state === 'connected') return routingStatus({ state: 'connected' }, chat.agentName);
  if (chat.state === 'starting') return { text: 'Connecting…' };
  if (chat.routing && chat.routing.state !== 'connected') return routingStatus(chat.routing);
  return { text: 'Waiting for an agent…' };
}

export function agentLeftNotice({ agentName, reason }) {
  const who = agentName || 'The agent';
  if (reason === 'transferred') return `${who} passed your chat on — waiting for the next agent…`;
  if (reason === 'disconnected') return `${who} lost the connection — we are finding you another agent…`;
  return `${who} left — waiting for the next agent…`;
}

export function chatEndedNotice(by) {
  if (by === 'customer') return 'You ended the chat.';
  if (by === 'agent') return 'The agent ended the chat.';
  return 'This chat has ended.';
}
