// Compile-only check that the SDK's .d.ts files describe the API app.js uses; never loaded by a page.
// Run it with ./types-check.sh (needs the npm registry once, for TypeScript and React's types).
import { ChatProvider, useChat } from '../../src/showdesk/web/sdk/react.js';
import type {
  Chat, ChatError, StartVideoResult, VideoEndEvent, VideoError, VideoErrorCode, VideoEvent, VideoSession,
  VideoSettings, VideoStatus,
} from '../../src/showdesk/web/sdk/webchat.js';
import { createChat } from '../../src/showdesk/web/sdk/webchat.js';

const chat: Chat = createChat({ organizationId: 'demo', deploymentId: 'demo-webchat' });
const known: Chat = createChat({
  organizationId: 'demo', deploymentId: 'demo-webchat',
  customer: { name: 'Ann Example', email: 'ann@example.com', id: 'cust-42' },
  attributes: { plan: 'Gold' },
  customerSignature: 'ab'.repeat(32),
});
void known;
// @ts-expect-error: attributes are text
createChat({ organizationId: 'demo', deploymentId: 'demo-webchat', attributes: { orders: 3 } });
const state: VideoStatus = chat.videoState;
const settings: VideoSettings | null = chat.videoSettings;
const session: VideoSession | null = chat.video;
const preview: MediaStream | null = chat.localVideoStream;
const remote: MediaStream | null = chat.remoteVideoStream;
chat.declineVideo();

const onEnd = (event: VideoEndEvent): void => {
  const why: string | null = event.reason;
  const who: 'customer' | 'agent' | 'system' | null = event.by;
  void why; void who;
};
chat.on('videoEnd', onEnd);
chat.off('videoEnd', onEnd);
chat.on('videoRequested', (event: VideoEvent) => { const id: string = event.video.id; void id; });
chat.on('videoState', ({ state: now, previous }) => { const both: VideoStatus[] = [now, previous]; void both; });
chat.on('remoteStream', ({ stream }) => { const s: MediaStream = stream; void s; });
// @ts-expect-error: not an event of the SDK
chat.on('videoStopped', () => {});

export async function showTheAgent(): Promise<void> {
  const { startVideo, stopVideo, declineVideo, endChat, startChat, sendText, messages, videoState, video,
          videoSettings, error } = useChat();
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true,
  });
  try {
    const started: StartVideoResult = await startVideo({ stream, direction: 'one-way' });
    const mode: 'one-way' | 'two-way' = started.video.mode;
    void mode;
  } catch (caught) {
    const failure = caught as VideoError;
    if (failure.name === 'NotAllowedError') {
      const code: 'camera_denied' = failure.code;
      void code;
    }
    if (failure.name === 'ChatError') {
      const code: 'invalid_direction' = failure.code;
      void code;
    }
    const code: VideoErrorCode | (string & {}) = failure.code;
    void code;
  }
  await startVideo({ constraints: { video: { facingMode: 'environment' } } });
  // @ts-expect-error: direction is 'one-way' or 'two-way'
  await startVideo({ direction: 'sideways' });
  stopVideo();
  declineVideo();
  await startChat({ displayName: 'Ann' });
  const sent = await sendText('hello');
  const seq: number = sent.seq;
  const text: string | undefined = messages[0]?.text;
  const last: ChatError | null = error;
  const record: VideoSession | null = video;
  const flow: VideoSettings | null = videoSettings;
  const now: VideoStatus = videoState;
  await endChat();
  void seq; void text; void last; void record; void flow; void now;
}

export const provider = ChatProvider({ config: { organizationId: 'demo', deploymentId: 'demo-webchat' } });
void state; void settings; void session; void preview; void remote;
