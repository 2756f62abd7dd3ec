package dev.posthorn.mta.admin;

import java.util.List;

/** What the admin API may ask of the running daemon besides its queue. */
public interface Control {

    /** Reads the configuration again and runs it, or refuses it and keeps the running one. */
    ReloadResult reload();

    /** The problems of the configuration as it is now (the file the daemon was started with); empty when it loads. */
    List<String> check();
}
