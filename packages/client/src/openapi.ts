// Generated from the API's OpenAPI document by `node scripts/gen-client.ts`; do not edit.
// services/api/src/openapi/client-types.test.ts fails when it no longer matches the routes.

export interface paths {
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who this key is: an admin key, or the instance an instance key reaches */
        get: operations["getAuthMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/call/{name}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a ringing call (call_id and from as call.received carries them) */
        post: operations["postCallReject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{name}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Archive a chat */
        post: operations["postChatArchive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{name}/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Chats */
        get: operations["getChatList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{name}/mute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mute a chat for a time (0 unmutes) */
        post: operations["postChatMute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{name}/pin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pin or unpin a chat */
        post: operations["postChatPin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{name}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a chat's received messages read: every unread one, or those of message_ids (ours or WhatsApp's) */
        post: operations["postChatRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{name}/unarchive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unarchive a chat */
        post: operations["postChatUnarchive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/cluster": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Instances expected and connected, session-workers and their instances, queue depths, messages and webhooks per minute (read-only) */
        get: operations["getCluster"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contact/{name}/{jid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A contact */
        get: operations["getContactByJid"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contact/{name}/{jid}/picture": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Profile picture URL */
        get: operations["getContactPicture"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contact/{name}/block": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Block a contact */
        post: operations["postContactBlock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contact/{name}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Which numbers are on WhatsApp */
        post: operations["postContactCheck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contact/{name}/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Known contacts */
        get: operations["getContactList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/contact/{name}/unblock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unblock a contact */
        post: operations["postContactUnblock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events/statuses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every instance's status changes, live (server-sent connection.update events; no replay: read /instance/list first, and again after a reconnect) */
        get: operations["getEventsStatuses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/{groupId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Group metadata */
        get: operations["getGroupByGroupId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/{groupId}/invite": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invite code of a group */
        get: operations["getGroupInvite"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/{groupId}/leave": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Leave a group */
        post: operations["postGroupLeave"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/{groupId}/participants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add, remove, promote or demote participants */
        post: operations["postGroupParticipants"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a group */
        post: operations["postGroupCreate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/join": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Join by invite code */
        post: operations["postGroupJoin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/group/{name}/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Groups the instance is in */
        get: operations["getGroupList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an instance */
        get: operations["getInstance"];
        put?: never;
        post?: never;
        /** Log out and delete the instance with its data */
        delete: operations["deleteInstance"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Connect: start linking (QR, or a pairing code with ?phone=) or reconnect */
        post: operations["postInstanceConnect"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events of this instance (QR, status, messages); honours Last-Event-ID */
        get: operations["getInstanceEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/events/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived token for this instance event stream (?token=) */
        post: operations["postInstanceEventsToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unlink the device and clear its credentials */
        post: operations["postInstanceLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/qrcode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Current QR code (raw and PNG) or pairing code; qrcode is null once connected */
        get: operations["getInstanceQrcode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Close and reconnect the WhatsApp connection */
        put: operations["putInstanceRestart"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The settings in force (every setting, defaults included) */
        get: operations["getInstanceSettings"];
        /** Change some settings (the others are kept); the owning worker applies them without reconnecting */
        put: operations["putInstanceSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connection status (data.status), owner and since when */
        get: operations["getInstanceStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/{name}/status/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status changes, newest first, as long as their events are kept (EVENTS_RETENTION_HOURS); live ones arrive as connection.update */
        get: operations["getInstanceStatusHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an instance; returns its instance key once */
        post: operations["postInstanceCreate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instance/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List instances */
        get: operations["getInstanceList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API keys in the database, revoked ones included (never the keys themselves) */
        get: operations["getKeys"];
        put?: never;
        /** A new key for an instance; the key is in this answer only */
        post: operations["postKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key (every replica refuses it within 10 s) */
        delete: operations["deleteKeysById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored messages, both directions, newest first */
        get: operations["getMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message with its status history */
        get: operations["getMessageById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/{id}/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message's media, streamed (for as long as the message is stored; a presigned link expires) */
        get: operations["getMessageMedia"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/audio": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a audio message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageAudio"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/button": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a button message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageButton"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/carousel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a carousel message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageCarousel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/contact": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a contact message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageContact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a delete message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageDelete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/edit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a edit message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageEdit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/forward": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Forward a stored text or media message to a chat, marked forwarded (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageForward"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a list message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageList"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/location": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a location message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageLocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a media message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageMedia"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/pending": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Cancel every message of the instance not sent yet (marks them cancelled) */
        delete: operations["deleteMessagePending"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a poll message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessagePoll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/reaction": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a reaction message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageReaction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/sticker": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a sticker message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageSticker"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/message/{name}/text": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a text message (202 once committed; Idempotency-Key honoured) */
        post: operations["postMessageText"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presence/{name}/available": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set presence available */
        post: operations["postPresenceAvailable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presence/{name}/clear": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set presence clear */
        post: operations["postPresenceClear"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presence/{name}/composing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set presence composing */
        post: operations["postPresenceComposing"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presence/{name}/recording": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set presence recording */
        post: operations["postPresenceRecording"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presence/{name}/subscribe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Subscribe to a contact presence */
        post: operations["postPresenceSubscribe"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presence/{name}/unavailable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set presence unavailable */
        post: operations["postPresenceUnavailable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/profile/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Own profile */
        get: operations["getProfile"];
        /** Update own name, status or picture */
        put: operations["putProfile"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/profile/{name}/privacy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Privacy settings */
        get: operations["getProfilePrivacy"];
        /** Update a privacy setting */
        put: operations["putProfilePrivacy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The instance webhook */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Remove the instance webhook */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/{name}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log, newest first, with attempts */
        get: operations["getWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/{name}/deliveries/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver again (same event id, a new attempt) */
        post: operations["postWebhookDeliveriesReplay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/{name}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable the instance webhook */
        post: operations["postWebhookDisable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/{name}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enable the instance webhook */
        post: operations["postWebhookEnable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/{name}/set": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set the instance webhook (one per instance); returns the signing secret */
        post: operations["postWebhookSet"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhook/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event catalogue */
        get: operations["getWebhookEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "button.response": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A contact tapped a reply button. */
        post: operations["onButtonResponse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "call.missed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An incoming call ended unanswered. */
        post: operations["onCallMissed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "call.received": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An incoming call is ringing. */
        post: operations["onCallReceived"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "connection.update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The instance connection status changed. */
        post: operations["onConnectionUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "group.participants.update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Participants were added, removed, promoted or demoted. */
        post: operations["onGroupParticipantsUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "group.update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Group subject, description or settings changed. */
        post: operations["onGroupUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "list.response": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A contact picked a list row. */
        post: operations["onListResponse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "message.ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Delivery or read receipt for an outbound message. */
        post: operations["onMessageAck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "message.failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An outbound message ended failed, with a machine-readable reason. */
        post: operations["onMessageFailed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "message.received": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A message arrived from a contact or group. */
        post: operations["onMessageReceived"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "message.revoked": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A message was deleted for everyone. */
        post: operations["onMessageRevoked"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "message.sent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An outbound message was written to WhatsApp. */
        post: operations["onMessageSent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "poll.vote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A contact voted on a poll, changed or withdrew a vote: the chosen option names. */
        post: operations["onPollVote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "presence.update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A contact is typing, recording, online or offline. */
        post: operations["onPresenceUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "qrcode.updated": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new QR code (or pairing code) is available for linking. */
        post: operations["onQrcodeUpdated"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "story.viewed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A contact viewed a status (story). */
        post: operations["onStoryViewed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        ButtonResponseData: {
            /** @description The content, as `GET /message` shows it; an edit names its target in `target_wa_message_id` */
            content: {
                [key: string]: unknown;
            };
            /** @description The message id (`GET /message/:instance/:id`) */
            id: string;
            is_group: boolean;
            /** @description Where the media is stored; null without media */
            media_key: string | null;
            /** @description A temporary URL of the stored media */
            media_url?: string;
            /** @description In a group, the sender; null otherwise */
            participant_jid: string | null;
            /** @description In a group, the sender's LID; null otherwise */
            participant_lid: string | null;
            /** @description The sender's display name */
            push_name: string | null;
            /** @description The chat: the contact, or the group */
            remote_jid: string | null;
            /** @description The contact's LID; null in a group */
            remote_lid: string | null;
            /** @description When WhatsApp says it was sent, unix seconds */
            timestamp: number | null;
            /** @description The message type as the API names it; `edit` for an edit */
            type: string;
            /** @description WhatsApp's id of the message */
            wa_message_id: string;
        };
        CallMissedData: {
            /** @description When the call started, ISO 8601 */
            at: string | null;
            call_id: string;
            from_jid: string | null;
            from_lid: string | null;
            group_jid: string | null;
            is_group: boolean;
            is_video: boolean;
            /** @enum {string} */
            status: "timeout" | "terminate";
        };
        CallReceivedData: {
            /** @description When the call started, ISO 8601 */
            at: string | null;
            call_id: string;
            from_jid: string | null;
            from_lid: string | null;
            group_jid: string | null;
            is_group: boolean;
            is_video: boolean;
            /** @constant */
            status: "offer";
        };
        ConnectionUpdateData: {
            /** @description WhatsApp's status code, when it gave one */
            code?: number;
            /** @description The linked account, once connected */
            jid?: string | null;
            lid?: string | null;
            /** @enum {string} */
            previous_status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
            push_name?: string | null;
            /** @description Why, when it is a disconnection */
            reason?: string;
            /** @enum {string} */
            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
        };
        Error: {
            error: {
                code: string;
                details?: unknown[];
                message: string;
            };
            /** @constant */
            success: false;
        };
        GroupParticipantsUpdateData: {
            /** @enum {string} */
            action: "add" | "remove" | "promote" | "demote" | "modify";
            author_jid: string | null;
            author_lid: string | null;
            group_jid: string;
            participants: {
                admin: ("admin" | "superadmin") | null;
                jid: string | null;
                lid: string | null;
            }[];
        };
        GroupUpdateData: {
            /** @description Only admins may send */
            announce?: boolean;
            description?: string;
            /** @description Disappearing messages, seconds */
            ephemeral_duration?: number;
            group_jid: string;
            join_approval_mode?: boolean;
            member_add_mode?: boolean;
            /** @description Only admins may change settings */
            restrict?: boolean;
            subject?: string;
        };
        ListResponseData: {
            /** @description The content, as `GET /message` shows it; an edit names its target in `target_wa_message_id` */
            content: {
                [key: string]: unknown;
            };
            /** @description The message id (`GET /message/:instance/:id`) */
            id: string;
            is_group: boolean;
            /** @description Where the media is stored; null without media */
            media_key: string | null;
            /** @description A temporary URL of the stored media */
            media_url?: string;
            /** @description In a group, the sender; null otherwise */
            participant_jid: string | null;
            /** @description In a group, the sender's LID; null otherwise */
            participant_lid: string | null;
            /** @description The sender's display name */
            push_name: string | null;
            /** @description The chat: the contact, or the group */
            remote_jid: string | null;
            /** @description The contact's LID; null in a group */
            remote_lid: string | null;
            /** @description When WhatsApp says it was sent, unix seconds */
            timestamp: number | null;
            /** @description The message type as the API names it; `edit` for an edit */
            type: string;
            /** @description WhatsApp's id of the message */
            wa_message_id: string;
        };
        MessageAckData: {
            /** @description The message id (`GET /message/:instance/:id`) */
            id: string;
            /** @description The recipient (in a group, who acknowledged when known) */
            remote_jid: string;
            remote_lid: string | null;
            /** @enum {string} */
            status: "delivered" | "read";
            /** @description WhatsApp's id of the message */
            wa_message_id: string;
        };
        MessageFailedData: {
            /** @description The message id (`GET /message/:instance/:id`) */
            id: string;
            /** @description Same as `id` (older receivers read this name) */
            message_id: string;
            /** @description Machine-readable: invalid_recipient, invalid_content, expired, delivery_unknown, … */
            reason: string;
            remote_jid: string;
            /** @enum {string} */
            status: "failed" | "expired";
            /** @description The message type as the API names it (text, image, …, poll) */
            type: string;
            /** @description Null when it never reached WhatsApp */
            wa_message_id: string | null;
        };
        MessageReceivedData: {
            /** @description The content, as `GET /message` shows it; an edit names its target in `target_wa_message_id` */
            content: {
                [key: string]: unknown;
            };
            /** @description The message id (`GET /message/:instance/:id`) */
            id: string;
            is_group: boolean;
            /** @description Where the media is stored; null without media */
            media_key: string | null;
            /** @description A temporary URL of the stored media */
            media_url?: string;
            /** @description In a group, the sender; null otherwise */
            participant_jid: string | null;
            /** @description In a group, the sender's LID; null otherwise */
            participant_lid: string | null;
            /** @description The sender's display name */
            push_name: string | null;
            /** @description The chat: the contact, or the group */
            remote_jid: string | null;
            /** @description The contact's LID; null in a group */
            remote_lid: string | null;
            /** @description When WhatsApp says it was sent, unix seconds */
            timestamp: number | null;
            /** @description The message type as the API names it; `edit` for an edit */
            type: string;
            /** @description WhatsApp's id of the message */
            wa_message_id: string;
        };
        MessageRevokedData: {
            is_group: boolean;
            /** @description In a group, the sender; null otherwise */
            participant_jid: string | null;
            /** @description In a group, the sender's LID; null otherwise */
            participant_lid: string | null;
            /** @description The sender's display name */
            push_name: string | null;
            /** @description The chat: the contact, or the group */
            remote_jid: string | null;
            /** @description The contact's LID; null in a group */
            remote_lid: string | null;
            /** @description When WhatsApp says it was sent, unix seconds */
            timestamp: number | null;
            /** @description The deleted message */
            wa_message_id: string;
        };
        MessageSentData: {
            /** @description The message id (`GET /message/:instance/:id`) */
            id: string;
            remote_jid: string;
            remote_lid: string | null;
            /** @constant */
            status: "sent";
            /** @description The message type as the API names it (text, image, …, poll) */
            type: string;
            /** @description WhatsApp's id of the message */
            wa_message_id: string;
        };
        PollVoteData: {
            decrypt_error: ("unknown_poll" | "decrypt_failed" | "malformed_vote") | null;
            is_group: boolean;
            /** @description In a group, the sender; null otherwise */
            participant_jid: string | null;
            /** @description In a group, the sender's LID; null otherwise */
            participant_lid: string | null;
            /** @description The poll's `wa_message_id` */
            poll_wa_message_id: string;
            /** @description The sender's display name */
            push_name: string | null;
            /** @description The chat: the contact, or the group */
            remote_jid: string | null;
            /** @description The contact's LID; null in a group */
            remote_lid: string | null;
            /** @description Option names; empty: vote withdrawn; null: unreadable */
            selected_options: string[] | null;
            /** @description The voter's clock: keep the greatest per voter and poll */
            sender_timestamp_ms: number;
            /** @description When WhatsApp says it was sent, unix seconds */
            timestamp: number | null;
            /** @description The vote's own WhatsApp id */
            vote_wa_message_id: string;
            voter_jid: string | null;
            voter_lid: string | null;
        };
        PresenceUpdateData: {
            /** @description The chat: the contact, or the group */
            chat_jid: string | null;
            last_seen: number | null;
            participant_jid: string | null;
            participant_lid: string | null;
            /** @enum {string} */
            presence: "unavailable" | "available" | "composing" | "recording" | "paused";
        };
        QrcodeUpdatedData: {
            /** @description How long it stays valid, ms */
            expires_in_ms: number;
            /** @description The QR payload, to render */
            qrcode: string;
        } | {
            /** @description How long it stays valid, ms */
            expires_in_ms: number;
            /** @description The code to type on the phone */
            pairing_code: string;
        };
        /** @description Not emitted yet */
        StoryViewedData: unknown;
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getAuthMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            kind: "admin";
                        } | {
                            instance: {
                                id: string;
                                name: string;
                            };
                            /** @constant */
                            kind: "instance";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postCallReject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    call_id: string;
                    from: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            rejected: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postChatArchive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default true */
                    archive?: boolean;
                    jid: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            archived: boolean;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getChatList: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            jid: string;
                            last_message_at: string;
                            push_name: string | null;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postChatMute: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    jid: string;
                    seconds: number;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            muted_until: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postChatPin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    jid: string;
                    /** @default true */
                    pin?: boolean;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            pinned: boolean;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postChatRead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    jid: string;
                    message_ids?: string[];
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            read: number;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postChatUnarchive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @default false
                     * @constant
                     */
                    archive?: false;
                    jid: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            archived: boolean;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getCluster: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            instances: {
                                by_status: {
                                    [key: string]: number;
                                };
                                connected: number;
                                expected: number;
                                total: number;
                            };
                            per_minute: {
                                complete: boolean;
                                messages_accepted: number;
                                messages_failed: number;
                                messages_received: number;
                                messages_sent: number;
                                /**
                                 * Format: date-time
                                 * @description When the minute began
                                 */
                                minute: string;
                                webhooks_delivered: number;
                                webhooks_failed: number;
                            }[];
                            queues: {
                                name: string;
                                pending: number | null;
                            }[];
                            workers: {
                                beat_age_ms: number | null;
                                id: string;
                                instances: number;
                            }[];
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getContactByJid: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jid: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            jid: string;
                            status: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getContactPicture: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jid: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            url: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postContactBlock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    jid: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            blocked: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postContactCheck: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    numbers: string[];
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            exists: boolean;
                            jid: string | null;
                            lid: string | null;
                            number: string;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getContactList: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            jid: string;
                            push_name: string | null;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postContactUnblock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    jid: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            blocked: false;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getEventsStatuses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description server-sent events (see WEBHOOKS.md for each event) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getGroupByGroupId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                groupId: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            announce: boolean;
                            created_at: string | null;
                            description: string | null;
                            id: string;
                            owner: string | null;
                            participants: {
                                admin: ("admin" | "superadmin") | null;
                                id: string;
                            }[];
                            restrict: boolean;
                            subject: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getGroupInvite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                groupId: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            code: string | null;
                            link: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postGroupLeave: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                groupId: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            left: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postGroupParticipants: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                groupId: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    action: "add" | "remove" | "promote" | "demote";
                    participants: string[];
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            jid: string | null;
                            status: string;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postGroupCreate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    participants: string[];
                    subject: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            announce: boolean;
                            created_at: string | null;
                            description: string | null;
                            id: string;
                            owner: string | null;
                            participants: {
                                admin: ("admin" | "superadmin") | null;
                                id: string;
                            }[];
                            restrict: boolean;
                            subject: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postGroupJoin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    invite_code: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            group_id: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getGroupList: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            announce: boolean;
                            created_at: string | null;
                            description: string | null;
                            id: string;
                            owner: string | null;
                            participants: {
                                admin: ("admin" | "superadmin") | null;
                                id: string;
                            }[];
                            restrict: boolean;
                            subject: string;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            /** @enum {string} */
                            desired_state: "connected" | "disconnected" | "logged_out";
                            id: string;
                            jid: string | null;
                            last_activity_at: string | null;
                            lid: string | null;
                            name: string;
                            owner: string | null;
                            push_name: string | null;
                            settings: {
                                always_online: boolean;
                                auto_read_messages: boolean;
                                ignore_groups: boolean;
                                read_status: boolean;
                                reject_call_message: string | null;
                                reject_calls: boolean;
                                /** @enum {string} */
                                sync_history: "none" | "recent" | "full";
                            };
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                            /** Format: date-time */
                            updated_at: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            deleted: true;
                            name: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postInstanceConnect: {
        parameters: {
            query?: {
                phone?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            desired_state: "connected";
                            name: string;
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstanceEvents: {
        parameters: {
            query?: {
                last_event_id?: string;
                token?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description server-sent events (see WEBHOOKS.md for each event) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postInstanceEventsToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @description seconds */
                            expires_in: number;
                            token: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postInstanceLogout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            desired_state: "logged_out";
                            name: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstanceQrcode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            base64: string | null;
                            code: string | null;
                            pairing_code: string | null;
                            qrcode: string | null;
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putInstanceRestart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            desired_state: "connected";
                            name: string;
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstanceSettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            always_online: boolean;
                            auto_read_messages: boolean;
                            ignore_groups: boolean;
                            read_status: boolean;
                            reject_call_message: string | null;
                            reject_calls: boolean;
                            /** @enum {string} */
                            sync_history: "none" | "recent" | "full";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putInstanceSettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    always_online?: boolean;
                    auto_read_messages?: boolean;
                    ignore_groups?: boolean;
                    read_status?: boolean;
                    reject_call_message?: string | null;
                    reject_calls?: boolean;
                    /** @enum {string} */
                    sync_history?: "none" | "recent" | "full";
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            always_online: boolean;
                            auto_read_messages: boolean;
                            ignore_groups: boolean;
                            read_status: boolean;
                            reject_call_message: string | null;
                            reject_calls: boolean;
                            /** @enum {string} */
                            sync_history: "none" | "recent" | "full";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstanceStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            desired_state: "connected" | "disconnected" | "logged_out";
                            jid: string | null;
                            last_activity_at: string | null;
                            name: string;
                            owner: string | null;
                            /** Format: date-time */
                            since: string;
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstanceStatusHistory: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @description When the worker saw it (ISO 8601) */
                            at: string;
                            code?: number;
                            /** @enum {string} */
                            previous_status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                            reason?: string;
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postInstanceCreate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    settings?: {
                        always_online?: boolean;
                        auto_read_messages?: boolean;
                        ignore_groups?: boolean;
                        read_status?: boolean;
                        reject_call_message?: string | null;
                        reject_calls?: boolean;
                        /** @enum {string} */
                        sync_history?: "none" | "recent" | "full";
                    };
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            api_key: string;
                            instance: {
                                /** Format: date-time */
                                created_at: string;
                                /** @enum {string} */
                                desired_state: "connected" | "disconnected" | "logged_out";
                                id: string;
                                jid: string | null;
                                last_activity_at: string | null;
                                lid: string | null;
                                name: string;
                                owner: string | null;
                                push_name: string | null;
                                settings: {
                                    always_online: boolean;
                                    auto_read_messages: boolean;
                                    ignore_groups: boolean;
                                    read_status: boolean;
                                    reject_call_message: string | null;
                                    reject_calls: boolean;
                                    /** @enum {string} */
                                    sync_history: "none" | "recent" | "full";
                                };
                                /** @enum {string} */
                                status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                                /** Format: date-time */
                                updated_at: string;
                            };
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getInstanceList: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            /** @enum {string} */
                            desired_state: "connected" | "disconnected" | "logged_out";
                            id: string;
                            jid: string | null;
                            last_activity_at: string | null;
                            lid: string | null;
                            name: string;
                            owner: string | null;
                            push_name: string | null;
                            settings: {
                                always_online: boolean;
                                auto_read_messages: boolean;
                                ignore_groups: boolean;
                                read_status: boolean;
                                reject_call_message: string | null;
                                reject_calls: boolean;
                                /** @enum {string} */
                                sync_history: "none" | "recent" | "full";
                            };
                            /** @enum {string} */
                            status: "created" | "connecting" | "qr_code" | "connected" | "disconnected" | "logged_out" | "failed";
                            /** Format: date-time */
                            updated_at: string;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            id: string;
                            instance: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            kind: "admin" | "instance";
                            label: string | null;
                            revoked_at: string | null;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    instance: string;
                    label?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            id: string;
                            instance: {
                                id: string;
                                name: string;
                            };
                            key: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteKeysById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            revoked: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getMessage: {
        parameters: {
            query?: {
                before?: string;
                limit?: number;
                remote?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            content: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** @enum {string} */
                            direction: "outbound" | "inbound";
                            error: string | null;
                            history: {
                                at: string;
                                reason?: string;
                                /** @enum {string} */
                                status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                            }[];
                            id: string;
                            media_key: string | null;
                            remote_jid: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                            type: string;
                            /** Format: date-time */
                            updated_at: string;
                            wa_message_id: string | null;
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getMessageById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            content: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** @enum {string} */
                            direction: "outbound" | "inbound";
                            error: string | null;
                            history: {
                                at: string;
                                reason?: string;
                                /** @enum {string} */
                                status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                            }[];
                            id: string;
                            media_key: string | null;
                            remote_jid: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                            type: string;
                            /** Format: date-time */
                            updated_at: string;
                            wa_message_id: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getMessageMedia: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description the file, with its own Content-Type */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageAudio: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    base64?: string;
                    caption?: string;
                    delay_ms?: number;
                    filename?: string;
                    /** Format: uri */
                    media_url?: string;
                    mentions?: string[];
                    mimetype?: string;
                    /** @default false */
                    ptt?: boolean;
                    quoted?: string;
                    to: string;
                    view_once?: boolean;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageButton: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    buttons: {
                        id: string;
                        text: string;
                    }[];
                    delay_ms?: number;
                    footer?: string;
                    mentions?: string[];
                    quoted?: string;
                    text: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageCarousel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    cards: {
                        body: string;
                        buttons?: {
                            id: string;
                            text: string;
                        }[];
                        /** Format: uri */
                        media_url?: string;
                        title?: string;
                    }[];
                    delay_ms?: number;
                    mentions?: string[];
                    quoted?: string;
                    text?: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageContact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    contacts: {
                        name: string;
                        phone: string;
                    }[];
                    delay_ms?: number;
                    mentions?: string[];
                    quoted?: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageDelete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @default true
                     * @constant
                     */
                    for_everyone?: true;
                    message_id: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageEdit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    message_id: string;
                    text: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageForward: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageList: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    button_text: string;
                    delay_ms?: number;
                    footer?: string;
                    mentions?: string[];
                    quoted?: string;
                    sections: {
                        rows: {
                            description?: string;
                            id: string;
                            title: string;
                        }[];
                        title: string;
                    }[];
                    text: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageLocation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    address?: string;
                    delay_ms?: number;
                    latitude: number;
                    longitude: number;
                    mentions?: string[];
                    name?: string;
                    quoted?: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageMedia: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    base64?: string;
                    caption?: string;
                    delay_ms?: number;
                    filename?: string;
                    /**
                     * @default image
                     * @enum {string}
                     */
                    media_type?: "image" | "video" | "document";
                    /** Format: uri */
                    media_url?: string;
                    mentions?: string[];
                    mimetype?: string;
                    quoted?: string;
                    to: string;
                    view_once?: boolean;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteMessagePending: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            cancelled: number;
                            ids: string[];
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessagePoll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    delay_ms?: number;
                    mentions?: string[];
                    name: string;
                    options: string[];
                    quoted?: string;
                    /** @default 1 */
                    selectable_count?: number;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageReaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    emoji: string;
                    message_id: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageSticker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    base64?: string;
                    caption?: string;
                    delay_ms?: number;
                    filename?: string;
                    /** Format: uri */
                    media_url?: string;
                    mentions?: string[];
                    mimetype?: string;
                    quoted?: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postMessageText: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    delay_ms?: number;
                    link_preview?: boolean;
                    mentions?: string[];
                    quoted?: string;
                    text: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            created: boolean;
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "preparing" | "ready" | "sending" | "sent" | "delivered" | "read" | "failed" | "cancelled" | "expired";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postPresenceAvailable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    to?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            presence: "available" | "unavailable" | "composing" | "recording" | "clear";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postPresenceClear: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    to?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            presence: "available" | "unavailable" | "composing" | "recording" | "clear";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postPresenceComposing: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    to?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            presence: "available" | "unavailable" | "composing" | "recording" | "clear";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postPresenceRecording: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    to?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            presence: "available" | "unavailable" | "composing" | "recording" | "clear";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postPresenceSubscribe: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    jid: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            subscribed: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postPresenceUnavailable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    to?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            presence: "available" | "unavailable" | "composing" | "recording" | "clear";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            jid: string | null;
                            lid: string | null;
                            name: string | null;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** Format: uri */
                    picture_url?: string;
                    status?: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            updated: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getProfilePrivacy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            [key: string]: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putProfilePrivacy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    setting: "last_seen" | "online" | "profile_picture" | "status" | "read_receipts" | "groups_add";
                    /** @enum {string} */
                    value: "all" | "contacts" | "contact_blacklist" | "none" | "match_last_seen";
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            setting: "last_seen" | "online" | "profile_picture" | "status" | "read_receipts" | "groups_add";
                            /** @enum {string} */
                            value: "all" | "contacts" | "contact_blacklist" | "none" | "match_last_seen";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            enabled: boolean;
                            events: string[];
                            headers: {
                                [key: string]: string;
                            };
                            id: string;
                            include_media_base64: boolean;
                            /** Format: date-time */
                            updated_at: string;
                            url: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @constant */
                            deleted: true;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getWebhookDeliveries: {
        parameters: {
            query?: {
                before?: string;
                limit?: number;
                status?: "pending" | "delivered" | "failed";
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            attempt_log: {
                                /** Format: date-time */
                                at: string;
                                attempt: number;
                                duration_ms: number;
                                error: string | null;
                                status_code: number | null;
                            }[];
                            attempts: number;
                            /** Format: date-time */
                            created_at: string;
                            delivered_at: string | null;
                            event: string;
                            event_id: string;
                            id: string;
                            last_duration_ms: number | null;
                            last_error: string | null;
                            last_status: number | null;
                            /** Format: date-time */
                            next_attempt_at: string;
                            payload: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            status: "pending" | "delivered" | "failed";
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postWebhookDeliveriesReplay: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            attempt_log: {
                                /** Format: date-time */
                                at: string;
                                attempt: number;
                                duration_ms: number;
                                error: string | null;
                                status_code: number | null;
                            }[];
                            attempts: number;
                            /** Format: date-time */
                            created_at: string;
                            delivered_at: string | null;
                            event: string;
                            event_id: string;
                            id: string;
                            last_duration_ms: number | null;
                            last_error: string | null;
                            last_status: number | null;
                            /** Format: date-time */
                            next_attempt_at: string;
                            payload: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            status: "pending" | "delivered" | "failed";
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postWebhookDisable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            enabled: boolean;
                            events: string[];
                            headers: {
                                [key: string]: string;
                            };
                            id: string;
                            include_media_base64: boolean;
                            /** Format: date-time */
                            updated_at: string;
                            url: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postWebhookEnable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            enabled: boolean;
                            events: string[];
                            headers: {
                                [key: string]: string;
                            };
                            id: string;
                            include_media_base64: boolean;
                            /** Format: date-time */
                            updated_at: string;
                            url: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postWebhookSet: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default true */
                    enabled?: boolean;
                    /** @default [] */
                    events?: ("message.received" | "message.sent" | "message.ack" | "message.failed" | "message.revoked" | "connection.update" | "qrcode.updated" | "group.participants.update" | "group.update" | "presence.update" | "call.received" | "call.missed" | "poll.vote" | "button.response" | "list.response" | "story.viewed")[];
                    headers?: {
                        [key: string]: string;
                    };
                    /** @default false */
                    include_media_base64?: boolean;
                    secret?: string;
                    /** Format: uri */
                    url: string;
                };
            };
        };
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            created_at: string;
                            enabled: boolean;
                            events: string[];
                            headers: {
                                [key: string]: string;
                            };
                            id: string;
                            include_media_base64: boolean;
                            secret: string;
                            /** Format: date-time */
                            updated_at: string;
                            url: string;
                        };
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getWebhookEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description client error */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            description: string;
                            /** @enum {string} */
                            name: "message.received" | "message.sent" | "message.ack" | "message.failed" | "message.revoked" | "connection.update" | "qrcode.updated" | "group.participants.update" | "group.update" | "presence.update" | "call.received" | "call.missed" | "poll.vote" | "button.response" | "list.response" | "story.viewed";
                        }[];
                        /** @constant */
                        success: true;
                    };
                };
            };
            /** @description a dependency is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onButtonResponse: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["ButtonResponseData"];
                    /** @constant */
                    event: "button.response";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onCallMissed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["CallMissedData"];
                    /** @constant */
                    event: "call.missed";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onCallReceived: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["CallReceivedData"];
                    /** @constant */
                    event: "call.received";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onConnectionUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["ConnectionUpdateData"];
                    /** @constant */
                    event: "connection.update";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onGroupParticipantsUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["GroupParticipantsUpdateData"];
                    /** @constant */
                    event: "group.participants.update";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onGroupUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["GroupUpdateData"];
                    /** @constant */
                    event: "group.update";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onListResponse: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["ListResponseData"];
                    /** @constant */
                    event: "list.response";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onMessageAck: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["MessageAckData"];
                    /** @constant */
                    event: "message.ack";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onMessageFailed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["MessageFailedData"];
                    /** @constant */
                    event: "message.failed";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onMessageReceived: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["MessageReceivedData"];
                    /** @constant */
                    event: "message.received";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onMessageRevoked: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["MessageRevokedData"];
                    /** @constant */
                    event: "message.revoked";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onMessageSent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["MessageSentData"];
                    /** @constant */
                    event: "message.sent";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onPollVote: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["PollVoteData"];
                    /** @constant */
                    event: "poll.vote";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onPresenceUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["PresenceUpdateData"];
                    /** @constant */
                    event: "presence.update";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onQrcodeUpdated: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["QrcodeUpdatedData"];
                    /** @constant */
                    event: "qrcode.updated";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onStoryViewed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    data: components["schemas"]["StoryViewedData"];
                    /** @constant */
                    event: "story.viewed";
                    id: string;
                    instance: {
                        id: string;
                        name: string;
                    };
                    timestamp: string;
                    /** @constant */
                    version: 1;
                };
            };
        };
        responses: {
            /** @description received (anything else is retried or failed: WEBHOOKS.md) */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
