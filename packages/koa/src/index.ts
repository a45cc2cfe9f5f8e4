export { createKoaRouter } from './koa-router';
