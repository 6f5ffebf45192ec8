# The gateway as a container image: build with Maven, run the Spring Boot layers on a JRE as a non-root user.

# Base images pinned by version (a rebuild gets the same JDK and Maven); raise them deliberately.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# Poms first: a build of the empty modules downloads every dependency and plugin into a layer that
# stays cached until a pom changes.
COPY pom.xml ./
COPY test-fixtures/pom.xml test-fixtures/
COPY dicom-kos/pom.xml dicom-kos/
COPY test-studies/pom.xml test-studies/
COPY pacs-adapter/pom.xml pacs-adapter/
COPY gateway-api/pom.xml gateway-api/
COPY gateway-bench/pom.xml gateway-bench/
RUN mvn -B -q -DskipTests -Dspring-boot.repackage.skip=true -pl gateway-api -am package
COPY . .
RUN mvn -B -q -DskipTests -pl gateway-api -am package \
 && cp gateway-api/target/gateway-api-*-exec.jar /tmp/gateway.jar \
 && java -Djarmode=tools -jar /tmp/gateway.jar extract --layers --destination /layers --application-filename gateway.jar

FROM eclipse-temurin:17.0.13_11-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin gateway \
 && mkdir -p /data && chown gateway /data
WORKDIR /app
# The heap, as ./gateway run sets it: without a limit the JVM sizes its heap from the host's memory,
# not the container's share. Override with JAVA_OPTS (docker run -e JAVA_OPTS=...).
ENV JAVA_OPTS="-Xmx320m"
# One layer per Spring Boot layer, least often changed first.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# A class-data archive of what a start-up loads, recorded by a training start with this image's own
# JVM (Spring's context refresh on an in-memory H2, then exit): start-ups map those classes instead of
# reading and verifying them (docs/performance.md).
RUN java $JAVA_OPTS -XX:ArchiveClassesAtExit=gateway.jsa -Dspring.context.exit=onRefresh -jar gateway.jar \
      --gateway.data-dir=/tmp/cds-training --spring.datasource.url=jdbc:h2:mem:cds --logging.level.root=WARN \
 && rm -rf /tmp/cds-training
USER gateway
ENV GATEWAY_DATA_DIR=/data
VOLUME /data
EXPOSE 8080 11112
# readiness (store reachable, migrations applied), not overall health: a tenant's PACS being down
# must not take the API (reads and searches keep working) out of service
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health/readiness || exit 1
# exec: the JVM is PID 1 and gets the container's SIGTERM (Spring's graceful shutdown); arguments of
# `docker run IMAGE --key=value` reach Spring Boot
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -XX:SharedArchiveFile=gateway.jsa -jar gateway.jar \"$@\"", "gateway"]
