// Types of the ShowDesk React bindings (/sdk/react.js).
import type { ReactNode, ReactElement } from 'react';
import type {
  Chat, ChatConfig, ChatError, ChatMessage, ChatState, ConnectionState, RoutingInfo, VideoSession,
  VideoSettings, VideoStatus,
} from './webchat.js';

export interface ChatProviderProps {
  /** A new chat is made only when organizationId, deploymentId or serverUrl change. */
  config: ChatConfig;
  children?: ReactNode;
}

/** The chat's own methods, bound to the provider's chat, plus its state as React state. */
export interface UseChatResult
  extends Pick<Chat, 'startChat' | 'resumeChat' | 'sendText' | 'endChat' | 'startVideo' | 'stopVideo'
    | 'declineVideo'> {
  chat: Chat;
  messages: readonly ChatMessage[];
  state: ChatState;
  connection: ConnectionState;
  routing: RoutingInfo | null;
  agentName: string | null;
  videoState: VideoStatus;
  /** The current (or last) video session's record. */
  video: VideoSession | null;
  /** The flow's Start Video settings; null until an agent joins, and in chats not video-capable. */
  videoSettings: VideoSettings | null;
  /** The last `error` event, if any. */
  error: ChatError | null;
}

export declare function ChatProvider(props: ChatProviderProps): ReactElement;
export declare function useChat(): UseChatResult;
