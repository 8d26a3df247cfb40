// React bindings for the ShowDesk web-chat SDK. The host page maps `react` (an import map or a
// bundler); this module adds no build step of its own.

import React, { createContext, useContext, useEffect, useMemo, useState } from 'react';
import { createChat } from './webchat.js';

const ChatContext = createContext(null);

/** Creates one chat for `config` and shares it with every `useChat()` below. */
export function ChatProvider({ config, children }) {
  const { organizationId, deploymentId, serverUrl } = config ?? {};
  // A new chat only when the deployment changes, not on every render's fresh config object.
  const chat = useMemo(() => createChat(config), [organizationId, deploymentId, serverUrl]);
  const snapshot = useChatSnapshot(chat);
  const value = useMemo(() => ({
    ...snapshot,
    chat,
    startChat: (options) => chat.startChat(options),
    resumeChat: () => chat.resumeChat(),
    sendText: (text) => chat.sendText(text),
    endChat: () => chat.endChat(),
    startVideo: (options) => chat.startVideo(options),
    stopVideo: () => chat.stopVideo(),
    declineVideo: () => chat.declineVideo(),
  }), [chat, snapshot]);
  return React.createElement(ChatContext.Provider, { value }, children);
}

/** `{startChat, sendText, startVideo, stopVideo, declineVideo, endChat, chat, messages, state, videoState, ...}` */
export function useChat() {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChat() must be used inside <ChatProvider>');
  return value;
}

function readSnapshot(chat, error = null) {
  return {
    messages: chat.messages,
    state: chat.state,
    connection: chat.connectionState,
    routing: chat.routing,
    agentName: chat.agentName,
    videoState: chat.videoState,
    video: chat.video,
    videoSettings: chat.videoSettings,
    error,
  };
}

// Every event after which one of the snapshot's fields may read differently.
const SNAPSHOT_EVENTS = [
  'message', 'resync', 'routing', 'agentJoined', 'agentLeft', 'chatEnded', 'connection', 'state',
  'videoRequested', 'videoStarted', 'videoHeld', 'videoResumed', 'videoEnd', 'videoState', 'remoteStream',
];

function useChatSnapshot(chat) {
  const [snapshot, setSnapshot] = useState(() => readSnapshot(chat));
  useEffect(() => {
    let lastError = null;
    const refresh = () => setSnapshot(readSnapshot(chat, lastError));
    const onError = (error) => { lastError = error; refresh(); };
    const offs = SNAPSHOT_EVENTS.map((event) => chat.on(event, refresh));
    offs.push(chat.on('error', onError));
    refresh();
    // Unsubscribe only: the chat itself lives on (StrictMode remounts, the tab keeps its session).
    return () => offs.forEach((off) => off());
  }, [chat]);
  return snapshot;
}
