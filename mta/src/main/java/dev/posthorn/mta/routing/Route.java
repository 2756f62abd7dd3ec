package dev.posthorn.mta.routing;

import java.util.List;

/** The routing decision for one recipient: a closed set. */
public sealed interface Route {

    /** A local recipient (a mailbox, an alias, or the catch-all), with where its copies go. */
    record Local(List<Destination> destinations) implements Route {
        public Local {
            destinations = List.copyOf(destinations);
            if (destinations.isEmpty()) {
                throw new IllegalArgumentException("a local route has at least one destination");
            }
        }
    }

    /** A local domain without such a mailbox: {@code 550 5.1.1}. */
    record Unknown() implements Route {
    }

    /** Not a local domain: relaying rules decide. */
    record Remote() implements Route {
    }
}
