package io.switchboard.protocol;

/** Which end of a socket a frame comes from; each side may send different frame types. */
public enum Side {
    VISITOR,
    STAFF
}
