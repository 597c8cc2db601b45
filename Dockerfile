# Build stage: the Swift toolchain and SQLite headers.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
RUN swift build -c release --product metronome-emulator --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/metronome-emulator" /usr/local/bin/metronome-emulator \
    && cp -R "$(swift build -c release --show-bin-path)/metronome-emulator_MetronomeEmulator.resources" /usr/local/bin/

# Run stage: a slim Debian with the SQLite library, the binary and the default fixtures.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /var/lib/metronome-emulator metronome
COPY --from=build /usr/local/bin/metronome-emulator /usr/local/bin/metronome-emulator
# The console's pages, found beside the binary.
COPY --from=build /usr/local/bin/metronome-emulator_MetronomeEmulator.resources /usr/local/bin/metronome-emulator_MetronomeEmulator.resources
COPY fixtures /usr/local/share/metronome-emulator/fixtures
USER metronome
WORKDIR /var/lib/metronome-emulator
ENV METRONOME_EMULATOR_HOST=0.0.0.0 \
    METRONOME_EMULATOR_PORT=4010
EXPOSE 4010
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${METRONOME_EMULATOR_PORT}/_emulator/health" || exit 1
ENTRYPOINT ["metronome-emulator"]
