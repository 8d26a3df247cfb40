// Types of the ShowDesk web-chat SDK (/sdk/webchat.js), protocol version 1.

export declare const PROTOCOL_VERSION: 1;
export declare const MAX_TEXT_LENGTH: 4000;
export declare const GUEST_SOCKET_PATH: '/ws/v1/guest';

export interface TurnServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface ChatConfig {
  organizationId: string;
  deploymentId: string;
  /** Origin of the ShowDesk server; default: the origin this SDK was loaded from. */
  serverUrl?: string;
  /**
   * More nodes of the same ShowDesk (same database and Redis). When the node in use cannot be reached,
   * each reconnect tries the next one; the chat resumes there from the last message it saw.
   */
  serverUrls?: string[];
  /** Extra ICE servers for video (used once video is available), e.g. a TURN server with static credentials. */
  turnServers?: TurnServer[];
  /**
   * `relay` sends the customer's video only through a TURN relay, so the agent's browser never learns
   * the customer's address (it needs a TURN server). Default `all`: direct when possible, relay when not.
   */
  iceTransportPolicy?: 'all' | 'relay';
  /** Where the session of this tab is kept; default: sessionStorage. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /**
   * Who the customer is on the site, shown to the agent beside the chat (the chat's own name stays the
   * display name). Shown as unverified unless `customerSignature` signs it; earlier chats of the same `id`
   * are listed for the agent.
   */
  customer?: CustomerIdentity;
  /** Up to 20 facts for the agent, as text (a name of at most 40 characters, a value of at most 200). */
  attributes?: Record<string, string>;
  /**
   * Hex HMAC-SHA256 of the customer block's canonical form under the deployment's signing key, computed
   * by the site's server (README, "Verified customers"); never compute it in the page.
   */
  customerSignature?: string;
}

export interface CustomerIdentity {
  name?: string;
  email?: string;
  /** The site's own id for the customer (at most 100 characters). */
  id?: string;
}

export type ChatState = 'idle' | 'starting' | 'queued' | 'connected' | 'ended';
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
export type MessageSender = 'customer' | 'agent' | 'system';
export type RoutingState = 'queued' | 'no_agent_available' | 'offered' | 'connected' | 'ended';
export type VideoStatus = 'idle' | 'requested' | 'connecting' | 'live' | 'held' | 'ended' | 'failed';

export interface ChatNotice {
  readonly code: string;
  readonly params: Readonly<Record<string, string | boolean | null>>;
}

export interface ChatMessage {
  readonly id: string;
  /** Per conversation, gap-free; `messages` are ordered by it. */
  readonly seq: number;
  readonly from: MessageSender;
  /** Plain text: render it as text, never as HTML. */
  readonly text: string;
  /** ISO 8601 time the server stored the message. */
  readonly at: string | null;
  readonly displayName: string | null;
  readonly clientId: string | null;
  /** A message that shows a photo: the customer's still, or the agent's marked-up copy of one. */
  readonly photo?: ChatPhoto;
  /** A system line in ShowDesk's own voice: its code and parameters (docs/protocol.md), to word it in the
   * customer's language; `text` is the English sentence. */
  readonly notice?: ChatNotice;
}

export interface ChatPhoto {
  readonly id: string;
  readonly kind: 'capture' | 'annotation' | 'still' | 'attachment';
  readonly contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  /** Full resolution, in pixels. */
  readonly width: number;
  readonly height: number;
  /** Bytes. */
  readonly size: number;
  /** Relative to the server; fetch it with the chat's token, or use `loadPhoto`. */
  readonly url: string;
  /** An annotation's original photo. */
  readonly annotates?: string;
}

export interface SentFile {
  readonly photo: ChatPhoto;
  /** The id of the chat message that shows it. */
  readonly messageId: string;
}

export interface RoutingInfo {
  readonly state: RoutingState;
  readonly queue: string | null;
  readonly position: number | null;
  readonly text: string | null;
}

export interface StartResult {
  conversationId: string | null;
  state: ChatState;
  /** True when an existing chat of this tab was resumed. */
  resumed: boolean;
}

export interface SendResult {
  id: string;
  seq: number;
  clientId: string;
}

export type ChatErrorCode =
  | 'origin_not_allowed'
  | 'deployment_not_found'
  | 'display_name_required'
  | 'empty_message'
  | 'message_too_long'
  | 'chat_not_active'
  | 'chat_ended'
  | 'no_saved_session'
  | 'not_authenticated'
  | 'forbidden'
  | 'session_replaced'
  | 'connection_failed'
  | 'disconnected'
  | 'cancelled'
  | 'invalid_direction' // startVideo's direction is neither 'one-way' nor 'two-way'
  | 'invalid_signal'
  | VideoErrorCode
  | (string & {});

/** Why the camera could not be taken: `name` is the browser's, `code` ours. */
export type CameraErrorCode =
  | 'camera_denied' // NotAllowedError: the person (or the browser) said no
  | 'camera_missing' // NotFoundError
  | 'camera_busy' // NotReadableError: another app holds the camera
  | 'constraints_unsatisfiable'; // OverconstrainedError

/** Why video is not possible now (`name` `VideoUnavailableError`). */
export type VideoRefusalCode =
  | 'video_not_allowed' // licence feature off, or the chat did not come through a Start Video block
  | 'video_capacity' // the organization's concurrent video limit
  | 'no_agent_video' // no agent in the chat yet
  | 'video_already_open'
  | 'ice_failed' // no network path between the customer and the agent
  | 'no_relay' // a network in between blocks direct video and no TURN relay is configured
  | 'relay_failed' // not even the relay retry connected
  | 'video_cancelled'
  | 'video_state'
  | 'video_not_found';

export type VideoErrorCode = CameraErrorCode | VideoRefusalCode;

export declare class ChatError extends Error {
  constructor(code: string, message?: string,
              options?: { name?: string; ref?: string | null; closeCode?: number | null });
  /** The server's code (e.g. `origin_not_allowed`) or one of the SDK's own. */
  readonly code: ChatErrorCode;
  /** The frame type or clientId the server was answering, when it said. */
  readonly ref: string | null;
  /** The WebSocket close code, when the error came from a closed connection. */
  readonly closeCode: number | null;
}

/** How `startVideo` rejects: a camera failure under the browser's (standard) name, or a refusal. */
export type VideoError =
  | CameraError<'NotAllowedError', 'camera_denied'>
  | CameraError<'NotFoundError', 'camera_missing'>
  | CameraError<'NotReadableError', 'camera_busy'>
  | CameraError<'OverconstrainedError', 'constraints_unsatisfiable'>
  | VideoUnavailableError
  | InvalidDirectionError;

export type CameraErrorName = 'NotAllowedError' | 'NotFoundError' | 'NotReadableError' | 'OverconstrainedError';

export interface CameraError<N extends CameraErrorName = CameraErrorName, C extends CameraErrorCode = CameraErrorCode>
  extends ChatError {
  readonly name: N;
  readonly code: C;
  /** The browser's own error. */
  readonly cause: unknown;
}

export interface VideoUnavailableError extends ChatError {
  readonly name: 'VideoUnavailableError';
  /**
   * One of VideoRefusalCode, or, when the video ended before it went live, why it ended (the
   * session's failure reason, e.g. a camera code the customer's page reported, or `stopped`,
   * `chat_ended`, `disconnected`, `video_ended`).
   */
  readonly code: VideoRefusalCode | CameraErrorCode | (string & {});
}

/** A programming error: startVideo's `direction` is neither 'one-way' nor 'two-way'. */
export interface InvalidDirectionError extends ChatError {
  readonly name: 'ChatError';
  readonly code: 'invalid_direction';
}

export type VideoMode = 'one-way' | 'two-way';

/** The Start Video block's settings for this chat (`videoSettings`). */
export interface VideoSettings {
  readonly mode: VideoMode;
  readonly audioSource: 'none' | 'microphone';
  readonly videoSource: 'camera';
  /** The Start Video block's quality settings, when it has any (getUserMedia ideals, the sender's cap). */
  readonly quality?: VideoQualitySettings;
}

export interface VideoQualitySettings {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly maxBitrateKbps: number;
  readonly preference: VideoPreference;
}

/** `detail` keeps the resolution and drops frames on a slow link; `smooth` keeps the frames. */
export type VideoPreference = 'detail' | 'smooth';

/**
 * The server's record of one video session (also in `GET /api/v2/conversations/{id}`): the Start Video
 * settings it was opened with, but `quality` is what the agent received, not the block's quality settings.
 */
export interface VideoSession extends Omit<VideoSettings, 'quality'> {
  readonly id: string;
  readonly conversationId: string;
  readonly state: Exclude<VideoStatus, 'idle'>;
  /** `customer`, or the id of the agent who asked. */
  readonly requestedBy: string;
  /** ISO 8601 times; the later ones are null until they happen. */
  readonly requestedAt: string;
  readonly consentAt: string | null;
  /** The customer's display name when they consented. */
  readonly consentBy: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly endedBy: 'customer' | 'agent' | 'system' | null;
  readonly durationSeconds: number | null;
  readonly outcome: 'completed' | 'declined' | 'failed' | 'cancelled' | null;
  readonly failureReason: string | null;
  /** How media went, as the agent desktop saw the selected ICE pair. */
  readonly path: 'direct' | 'relay' | null;
  /** Times the customer's side started again through the relay only (0 or 1). */
  readonly relayRetries: number;
  /** ICE restarts after the customer's network changed under a connected session. */
  readonly iceRestarts: number;
  /** Picture problems the agent desktop saw: `no_frames`, `not_decoding`, `black_frames`, `frozen`. */
  readonly problems: readonly string[];
  /** The agent's current detail/smooth choice; the customer's sender follows it. */
  readonly preference: VideoPreference;
  /** What the agent received, summarized when the session ended (null before, or with no samples). */
  readonly quality: Readonly<Record<string, unknown>> | null;
  /** The kind of browser sending the video (null from SDKs that do not say). */
  readonly device: DeviceKind | null;
  /** Photo mode: sharp stills every few seconds instead of live frames (`usePhotos`). */
  readonly photoMode: boolean;
  /** Stills the agent received in photo mode. */
  readonly stills: number;
}

/** What kind of device a browser is (User-Agent Client Hints' `mobile`, else the user agent). */
export type DeviceKind = 'phone' | 'tablet' | 'computer';

/** A one-time link that opens the chat on another device. */
export interface Handoff {
  /** `<ShowDesk's public origin>/h/<code>`: valid once, until `expiresAt`. */
  readonly url: string;
  /** ISO 8601 time. */
  readonly expiresAt: string;
  /** `url` as an SVG QR code (markup made by the server: insert it as an image, e.g. a data: URL). */
  readonly qrSvg: string;
}

export interface StartVideoOptions {
  /** A stream the page took itself (e.g. inside a click handler). */
  stream?: MediaStream;
  /** Constraints for the SDK to call getUserMedia with, before any other await. */
  constraints?: MediaStreamConstraints;
  /** What the page expects; the flow's Start Video block decides the mode. Any other value rejects (`invalid_direction`). */
  direction?: VideoMode;
}

/** `startVideo` resolves once media flows to the agent. */
export interface StartVideoResult {
  sessionId: string;
  video: VideoSession;
}

/** Payload of `videoRequested`, `videoStarted`, `videoHeld` and `videoResumed`. */
export interface VideoEvent {
  sessionId: string;
  video: VideoSession;
  /** What to tell the customer, in words. */
  text: string | null;
}

export interface VideoEndEvent {
  sessionId: string | null;
  video: VideoSession | null;
  /** The session's failure reason, or how it ended (`stopped`, `chat_ended`, `disconnected`, `page_left`). */
  reason: string | null;
  by: 'customer' | 'agent' | 'system' | null;
  text: string | null;
}

/** Payload of `videoRetrying`: the network fought back and the SDK tries again. */
export interface VideoRetryingEvent {
  sessionId: string;
  /** `relay`: the first connection could not be made, so once more through the TURN relay only;
   * `restart`: the network changed under a live video (ICE restart). */
  how: 'relay' | 'restart';
  video: VideoSession;
  /** What to tell the customer, e.g. "Your network blocks direct video; trying a relay…". */
  text: string;
}

/** Payload of `videoProblem`: the agent's desktop is connected but sees no usable picture. */
export interface VideoProblemEvent {
  sessionId: string | null;
  cause: 'no_frames' | 'not_decoding' | 'black_frames' | 'frozen';
  text: string;
}

export interface ConnectionEvent {
  state: ConnectionState;
  /** Close code of the connection that went away, when there was one. */
  code?: number;
  reason?: string;
  /** Reconnect attempt number and the wait before it. */
  attempt?: number;
  delayMs?: number;
  /** The server is restarting (close 1012): reconnecting at once, to the next server URL; no trouble to show. */
  restart?: boolean;
}

export interface ChatEventMap {
  message: ChatMessage;
  /** More was missed than the resume window holds: `messages` replaces the whole list. */
  resync: { messages: readonly ChatMessage[] };
  routing: RoutingInfo;
  agentJoined: { agentName: string | null };
  agentLeft: { agentName: string | null; reason: 'disconnected' | 'transferred' | null };
  chatEnded: { by: 'customer' | 'agent' | 'system' };
  error: ChatError;
  connection: ConnectionEvent;
  state: { state: ChatState; previous: ChatState };
  /** The agent asks to see: answer with `startVideo` (inside a click) or `declineVideo`. */
  videoRequested: VideoEvent;
  /** The agent sees the first frame. */
  videoStarted: VideoEvent;
  videoHeld: VideoEvent;
  videoResumed: VideoEvent;
  /** However the video ended; every track the SDK was given or took is already stopped. */
  videoEnd: VideoEndEvent;
  /** The connection is being tried again (through the relay, or after a network change). */
  videoRetrying: VideoRetryingEvent;
  /** The agent switched between detail and smooth; the sender already follows. */
  videoPreference: { sessionId: string; preference: VideoPreference; video: VideoSession; text: string };
  /** The agent asks for the other camera, the torch or a zoom; the SDK does what the camera supports. */
  cameraRequest: { sessionId: string; action: 'switch' | 'torch' | 'zoom'; value: boolean | 'in' | 'out' | null;
                   text: string };
  /** The agent asked for a photo: the SDK takes a full-resolution still of what is shared and sends it. */
  photoRequested: { sessionId: string; requestId: string; text: string };
  /** The photo is stored; its message (with `photo`) arrives as a `message` event too. */
  photoSent: { requestId: string; photo: ChatPhoto | null; message: ChatMessage | null };
  /** The photo could not be taken or sent; `text` says why (the agent reads it too). */
  photoFailed: { requestId: string; reason: 'no_camera' | 'capture_failed' | 'upload_failed' | string; text: string };
  /** What is being shared changed (the other camera): show `localVideoStream` again. */
  localStream: { stream: MediaStream };
  /** Connected, but the agent sees no picture, a black one or a frozen one; `text` says what to do. */
  videoProblem: VideoProblemEvent;
  /**
   * Photo mode: `offered` when the picture the agent receives stayed too poor to read detail (offer
   * `usePhotos(true)`), `on` (the SDK now sends stills) or `off` (live video again); `by` says who.
   */
  photoMode: { sessionId: string; state: 'offered' | 'declined' | 'on' | 'off'; by: 'customer' | 'agent' | 'system' | null;
               text: string };
  /** Photo mode: a still reached the agent (`bytes` as sent). */
  stillSent: { sessionId: string; photo: ChatPhoto; bytes: number };
  /** The agent drew on the live picture; draw it over the shared picture (points are shares of its size). */
  mark: VideoMark;
  /** Every mark is gone (either side's Clear). */
  marksCleared: { by: 'agent' | 'customer' };
  /** Every change of `videoState`. */
  videoState: { state: VideoStatus; previous: VideoStatus };
  /** Two-way only: the agent's picture and sound (also `remoteVideoStream`). */
  remoteStream: { stream: MediaStream };
  /** The customer's other device redeemed a hand-off link and joined: "Continue on your phone". */
  handoff: { state: 'opened'; device: DeviceKind };
  /** The agent suggests showing things with the phone's camera (offer `createHandoff`); `text` says so. */
  phoneSuggested: { text: string };
  /**
   * The agent started (`active: true`) or stopped typing. Emitted on changes only; the SDK says
   * `active: false` by itself 6 s after the last sign of typing and when the agent's message arrives.
   */
  typing: { from: 'agent'; active: boolean };
  /**
   * The agent's desktop has shown the customer's messages up to seq `upTo` (the chat in front of the
   * agent): show "Seen" under the customer's latest message with a seq no higher. Relayed, never stored.
   */
  seen: { by: 'agent'; upTo: number };
}

/**
 * A mark on the live picture. `points` are [x, y] pairs from 0 to 1 across the width and height of the
 * picture as the camera sends it: arrow (from, to), circle (centre, a point on the edge), pen (a line
 * through them) and text (where it starts, with `text`).
 */
export interface VideoMark {
  id: string;
  kind: 'arrow' | 'circle' | 'pen' | 'text';
  points: ReadonlyArray<readonly [number, number]>;
  color: 'red' | 'yellow' | 'green' | 'blue' | 'white';
  text?: string;
}

export type ChatEventName = keyof ChatEventMap;

export interface Chat {
  readonly config: Readonly<Required<Omit<ChatConfig, 'storage' | 'customer' | 'attributes' | 'customerSignature'>>>;
  readonly conversationId: string | null;
  readonly participantId: string | null;
  /** Ordered by seq, deduplicated by id. A new array whenever it changed. */
  readonly messages: readonly ChatMessage[];
  readonly state: ChatState;
  /** Highest seq up to which every message has been received. */
  readonly lastSeq: number;
  readonly displayName: string;
  readonly agentName: string | null;
  readonly routing: RoutingInfo | null;
  readonly connectionState: ConnectionState;
  readonly videoState: VideoStatus;
  /** The current (or last) video session's record, or null before any. */
  readonly video: VideoSession | null;
  /** The flow's Start Video settings; null until an agent joins, and in chats not video-capable. */
  readonly videoSettings: VideoSettings | null;
  /** What the customer is sharing (for a preview), while video is on. */
  readonly localVideoStream: MediaStream | null;
  /** Two-way video: the agent's picture and sound. */
  readonly remoteVideoStream: MediaStream | null;

  /** True when this tab holds a chat that can be resumed (sessionStorage `showdesk:<org>:<deployment>`). */
  hasSavedSession(): boolean;
  /** Resumes the saved chat of this tab if there is one (and it has not ended), else starts one. */
  startChat(options?: { displayName?: string }): Promise<StartResult>;
  /** Resumes the saved chat only; rejects with `no_saved_session` or `chat_ended`. */
  resumeChat(): Promise<StartResult>;
  /** A one-time link (and its QR code) that opens this chat on another device; both stay in the chat. */
  createHandoff(): Promise<Handoff>;
  /** The hand-off link alone, for a site that sends it by its own means (SMS, e-mail). */
  createHandoffLink(): Promise<string>;
  /**
   * Instead of `startChat`: redeem a hand-off code from the customer's other device and join that chat
   * here. Rejects with a `ChatError` whose `code` is `handoff_used`, `handoff_expired` or
   * `handoff_not_found` and whose `message` is a sentence to show.
   */
  continueHandoff(code: string): Promise<StartResult>;
  /** Resolves once the server stored the message; resent with the same clientId after reconnects. */
  sendText(text: string): Promise<SendResult>;
  /**
   * The customer is typing: call it on every input event of the message field, and with `false` when
   * the field is left. Paced by the SDK (a start at most every 3 s, "stopped" after 5 s without a key),
   * never stored, sent only while an agent is in the chat.
   */
  sendTyping(active?: boolean): void;
  /**
   * Whether the page shows the chat just now (true until told otherwise). While it does and the document
   * is visible, the SDK tells the agent which of their messages the customer has seen (paced, never stored);
   * pass `false` while the chat is minimized or hidden, `true` when it shows again.
   */
  setShown(shown?: boolean): void;
  /** Ends the chat for everyone; resolves on `chatEnded`. */
  endChat(): Promise<void>;
  /**
   * Share the camera with the agent (answering a request, or unasked). Call it inside the click
   * handler: without a `stream` it takes the camera before any other await (default: the rear
   * camera, the microphone as the flow says). Rejects with a `VideoError`; the chat goes on.
   */
  startVideo(options?: StartVideoOptions): Promise<StartVideoResult>;
  /** Stop sharing; every track the SDK was given or took is stopped. */
  stopVideo(): void;
  /** A photo of this chat (a message's `photo`) as an object URL for an `<img>` or a download link. */
  loadPhoto(photo: ChatPhoto): Promise<string>;
  /**
   * Attach an image of the customer's own (JPEG, PNG or WebP by default, told from its bytes) while an agent
   * is in the chat; its message arrives as a `message` event with `photo`. Rejects with a `ChatError` whose
   * `code` is e.g. `attachment_type`, `photo_too_large`, `chat_not_connected` or `attachment_rate_limited`.
   */
  sendFile(file: Blob): Promise<SentFile>;
  /** Say no to the agent's request (only while `videoState` is `requested`); the chat goes on. */
  declineVideo(): void;
  /** Take the agent's marks off the live picture, on both sides (`marksCleared` follows). */
  clearMarks(): void;
  /**
   * Photo mode (while video is live or on hold): `true` sends a sharp full-resolution still every few
   * seconds instead of live frames, as fast as the link allows; `false` goes back to live video. A
   * `photoMode` event follows on both sides.
   */
  usePhotos(on?: boolean): void;
  /** Reconnect now instead of waiting for the next backoff step (also takes a chat back from another tab). */
  reconnect(): void;
  /** Close the connection without ending the chat; `resumeChat()` picks it up again. */
  disconnect(): void;

  on<K extends ChatEventName>(event: K, listener: (payload: ChatEventMap[K]) => void): () => void;
  off<K extends ChatEventName>(event: K, listener: (payload: ChatEventMap[K]) => void): void;
}

export declare function createChat(config: ChatConfig): Chat;
