package dev.posthorn.mta.capture;

/** What a {@link CaptureStore} tells its subscribers (the web view's event stream) after a change. */
public sealed interface CaptureEvent {

    /** A message was captured. */
    record Added(CapturedMessage message) implements CaptureEvent {
    }

    /** A message was deleted (by a user or by pruning). */
    record Deleted(String id) implements CaptureEvent {
    }

    /** All messages were deleted, or all of one mailbox ({@code mailbox} not {@code null}). */
    record Cleared(String mailbox) implements CaptureEvent {
    }
}
