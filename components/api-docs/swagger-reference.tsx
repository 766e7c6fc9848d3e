'use client';

import { useEffect, useRef, useState } from 'react';

import 'swagger-ui-dist/swagger-ui.css';
import './swagger-overrides.css';

/**
 * The OpenAPI document in Swagger UI: every operation with its parameters, schemas and examples, and
 * "Try it out" against this server. **Authorize** with an API token (user menu → API tokens) to call
 * as that token. Swagger UI's prebuilt browser bundle is used (swagger-ui-dist): bundling its sources
 * here breaks its parser ("refract is not a function" on opening an operation).
 */
export default function SwaggerReference({ spec }: { spec: object }) {
  const host = useRef<HTMLDivElement>(null);
  const [hasFailed, setHasFailed] = useState(false);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let isCancelled = false;
    // Swagger UI draws a <main> of its own inside the console's: a region, not a second main landmark
    // (one per page, for screen readers and axe); and its server picker gets a name. It redraws.
    const tidy = () => {
      element.querySelectorAll('main:not([role])').forEach((main) => {
        main.setAttribute('role', 'region');
        main.setAttribute('aria-label', 'Operations');
      });
      element.querySelector('select#servers:not([aria-label])')?.setAttribute('aria-label', 'Server');
    };
    const observer = new MutationObserver(tidy);
    observer.observe(element, { childList: true, subtree: true });
    import('swagger-ui-dist/swagger-ui-bundle.js').then(
      ({ default: SwaggerUIBundle }) => {
        if (isCancelled) return;
        SwaggerUIBundle({
          domNode: element,
          spec,
          docExpansion: 'list',
          defaultModelsExpandDepth: 0,
          // No links inside the operations' expand buttons (nested controls confuse screen readers).
          deepLinking: false,
          displayOperationId: true,
          persistAuthorization: false,
          validatorUrl: null,
          supportedSubmitMethods: ['get', 'put', 'post', 'delete', 'patch'],
        });
      },
      () => setHasFailed(true),
    );
    return () => {
      isCancelled = true;
      observer.disconnect();
      element.replaceChildren();
    };
  }, [spec]);

  return (
    <>
      {hasFailed && (
        <p role="alert" className="p-4 text-sm text-red-700">
          The API reference could not load: the document is at /api/v1/openapi.json.
        </p>
      )}
      <div ref={host} />
    </>
  );
}
