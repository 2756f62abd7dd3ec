package dev.posthorn.mailauth.dkim;

/** Why a signature cannot pass, found before or instead of the cryptography: a status and its reason. */
public final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    private final DkimResult.Status status;

    Refusal(DkimResult.Status status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public static Refusal permanent(String reason) {
        return new Refusal(DkimResult.Status.PERMERROR, reason);
    }

    public DkimResult.Status status() {
        return status;
    }
}
