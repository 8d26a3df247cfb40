// A React page embedding ShowDesk chat and one-way video through /sdk/react.js.
// No build step: React comes from the import map in index.html, elements from React.createElement.

import React, { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ChatProvider, useChat } from '/sdk/react.js';

const h = React.createElement;

// Module scope: one config object for the page's whole life.
const config = { organizationId: 'demo', deploymentId: 'demo-webchat' };

const ALLOW_CAMERA = 'Camera access is needed so the agent can see your product. Allow the camera: '
  + 'click the camera (or lock) icon next to the address, choose Allow, then press "Show the agent" again.';

const VIDEO_WORDS = {
  idle: '',
  requested: 'The agent would like to see your product.',
  connecting: 'Connecting your camera…',
  live: 'The agent can see your camera.',
  held: 'The agent paused the video.',
  ended: 'Video ended. The chat goes on.',
  failed: 'Video could not start. The chat goes on.',
};

function App() {
  const { state } = useChat();
  return h('main', { className: 'chat' },
    h('h1', null, 'Support chat (React)'),
    state === 'idle' ? h(StartForm) : h(Conversation));
}

function StartForm() {
  const { chat, startChat, resumeChat } = useChat();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState(null);

  // A reload picks the tab's chat up again.
  useEffect(() => {
    if (chat.hasSavedSession()) resumeChat().catch(() => {});
  }, [chat]);

  const onSubmit = async (event) => {
    event.preventDefault();
    setProblem(null);
    try {
      await startChat({ displayName: name });
    } catch (error) {
      setProblem(error.message);
    }
  };

  return h('form', { onSubmit, className: 'row' },
    h('label', null, 'Your name ',
      h('input', { value: name, onChange: (e) => setName(e.target.value), 'data-testid': 'chat-name',
                   autoComplete: 'name', required: true })),
    h('button', { type: 'submit', 'data-testid': 'chat-start' }, 'Start chat'),
    problem && h('p', { role: 'alert', className: 'problem' }, problem));
}

function Conversation() {
  const { messages, state, agentName, routing, endChat } = useChat();
  const status = state === 'connected' ? `Chatting with ${agentName || 'an agent'}`
    : state === 'queued' ? (routing?.text || 'Waiting for an agent…')
      : state === 'ended' ? 'The chat has ended.' : 'Connecting…';
  return h('section', null,
    h('p', { 'data-testid': 'chat-status' }, status),
    h(MessageList, { messages }),
    state !== 'ended' && h(SendBox),
    h(VideoEscalation),
    state !== 'ended' && h('button', { type: 'button', onClick: () => endChat(), 'data-testid': 'chat-end' },
      'End chat'));
}

function MessageList({ messages }) {
  // Text goes in as text: React escapes it, nothing a customer or agent types becomes HTML.
  return h('ol', { className: 'log', 'data-testid': 'chat-log', 'aria-live': 'polite' },
    messages.map((m) => h('li', { key: m.id, className: `from-${m.from}` },
      m.from !== 'system' && h('strong', null, m.from === 'customer' ? 'You' : (m.displayName || 'Agent'), ': '),
      m.text)));
}

function SendBox() {
  const { sendText } = useChat();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState(null);
  const onSubmit = (event) => {
    event.preventDefault();
    if (!text.trim()) return;
    setProblem(null);
    setText('');
    sendText(text).catch((error) => setProblem(error.message));
  };
  return h('form', { onSubmit, className: 'row' },
    h('input', { value: text, onChange: (e) => setText(e.target.value), 'data-testid': 'chat-input',
                 placeholder: 'Type a message', 'aria-label': 'Message', maxLength: 4000 }),
    h('button', { type: 'submit', 'data-testid': 'chat-send' }, 'Send'),
    problem && h('p', { role: 'alert', className: 'problem' }, problem));
}

function VideoEscalation() {
  const { chat, state, videoState, videoSettings, startVideo, stopVideo, declineVideo } = useChat();
  const streamRef = useRef(null);
  const [problem, setProblem] = useState(null);

  const handleVideoEscalation = async () => {
    setProblem(null);
    let stream = null;
    try {
      // Request camera access from the customer's device
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: true,
      });
      streamRef.current = stream;
      // Send the video stream to the agent
      await startVideo({
        stream,
        direction: 'one-way', // the customer shows, the agent only looks
      });
    } catch (error) {
      stream?.getTracks().forEach((track) => track.stop());
      setProblem(error.name === 'NotAllowedError' ? ALLOW_CAMERA : error.message);
    }
  };

  // Stop the camera when the video ends, however it ends (the SDK stops it too: belt and braces).
  useEffect(() => {
    const handleVideoEnd = () => {
      streamRef.current?.getTracks().forEach((track) => track.stop());
      streamRef.current = null;
    };
    chat.on('videoEnd', handleVideoEnd);
    return () => {
      chat.off('videoEnd', handleVideoEnd);
    };
  }, [chat]);

  if (videoSettings === null && videoState === 'idle') return null; // this chat has no video
  const open = videoState === 'connecting' || videoState === 'live' || videoState === 'held';
  const canStart = state === 'connected' && !open;
  return h('section', { className: 'video', 'aria-label': 'Video' },
    h('p', null, 'Video: ', h('span', { 'data-testid': 'video-status' }, videoState), ' ',
      VIDEO_WORDS[videoState]),
    h('div', { className: 'row' },
      canStart && h('button', { type: 'button', onClick: handleVideoEscalation, 'data-testid': 'show-agent' },
        'Show the agent'),
      videoState === 'requested' && h('button', { type: 'button', onClick: declineVideo,
                                                  'data-testid': 'video-decline' }, 'Not now'),
      open && h('button', { type: 'button', onClick: stopVideo, 'data-testid': 'video-stop' }, 'Stop video')),
    open && h(Preview),
    problem && h('p', { role: 'alert', className: 'problem', 'data-testid': 'camera-problem' }, problem));
}

/** What the agent sees: the SDK's local stream, muted. */
function Preview() {
  const { chat, videoState } = useChat();
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = chat.localVideoStream;
  }, [chat, videoState]);
  return h('video', { ref, autoPlay: true, muted: true, playsInline: true, className: 'preview',
                      'data-testid': 'local-video' });
}

createRoot(document.getElementById('root')).render(
  h(React.StrictMode, null, h(ChatProvider, { config }, h(App))));
