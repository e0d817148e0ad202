import type { Config } from '../config.js';
import { openApp } from '../app/open-app.js';
import { buildHttpApp } from '../http/app.js';

/** Runs the HTTP server until SIGINT/SIGTERM, then closes the server and the database cleanly. */
export async function serve(config: Config, opts: { banner: string[] }): Promise<number> {
  const app = await openApp(config);
  const http = await buildHttpApp(app.services, { logger: process.env.EKASARN_LOG !== 'off' });
  await http.listen({ host: config.host, port: config.port });
  const lines = [
    '',
    `ekasarn พร้อมใช้งาน / ready at ${config.publicUrl}`,
    `  หน้าแรก / home:          ${config.publicUrl}/`,
    `  เอกสาร API / API docs:   ${config.publicUrl}/api/docs`,
    `  ตรวจสอบ / verify (API):  POST ${config.publicUrl}/api/v1/verify`,
    ...opts.banner,
    '',
  ];
  console.log(lines.join('\n'));
  return new Promise<number>((resolve) => {
    const stop = async () => {
      await http.close();
      await app.close();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
