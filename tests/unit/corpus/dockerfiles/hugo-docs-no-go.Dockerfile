FROM node:22-alpine AS assets
WORKDIR /site
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build:css

FROM hugomods/hugo:exts-0.147.0 AS hugo
WORKDIR /site
COPY --from=assets /site /site
RUN hugo --minify

FROM nginx:1.27-alpine
COPY --from=hugo /site/public /usr/share/nginx/html
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
