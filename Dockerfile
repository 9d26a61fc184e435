# Image for the upstox-ingest CLI. The entry point is the CLI itself, so a
# container runs one subcommand, for example `migrate` or `worker`.

# Build stage: install every dependency and compile TypeScript into dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# Runtime stage: production dependencies, the compiled code and the files it
# reads at run time (migrations, the recorded Upstox data and the default schedule).
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# V8's young generation grows to 16 MiB per semi-space under allocation-heavy work, such
# as parsing the instruments master; 2 MiB keeps a load of five times the NSE file near
# 140 MiB of resident memory instead of up to 170 (bench/instruments-master.ts reads this line).
ENV NODE_OPTIONS=--max-semi-space-size=2
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/data/recorded ./data/recorded
COPY --from=build /app/config ./config
# The files stay owned by root, so the process cannot modify its own code.
USER node
ENTRYPOINT ["node", "dist/src/cli/main.js"]
