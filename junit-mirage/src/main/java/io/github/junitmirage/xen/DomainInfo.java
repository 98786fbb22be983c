package io.github.junitmirage.xen;

/** One row of {@code xl list}. */
public record DomainInfo(String name, int id, int memoryMb, int vcpus, DomainState state) {}
