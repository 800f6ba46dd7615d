"""Routes mounted after start-up (issue 11 item 16): the dashboard's module imports Panel and Bokeh (~1.3 s of CPU),
which `create_app` no longer waits for, so the server answers /api/health that much sooner."""
import asyncio, importlib, logging

from starlette.routing import Route

log = logging.getLogger("kick_nbdev.api")

class DeferredMount:
    """Call `target` ("module:function", given the app) once the server runs: its module is imported in a thread, then
    the function mounts its routes on the event loop (so routes change between requests, never while one is routed).
    Until then a placeholder at each of `paths` makes a request wait for the mount, then routes it again."""
    def __init__(self, app, target:str, paths:tuple=("/",)):
        self.app, self.target, self._task = app, target, None
        self._placeholders = [Route(path, self, include_in_schema=False) for path in paths]
        app.router.routes.extend(self._placeholders)

    def start(self)->asyncio.Task:
        "Begin mounting, once (the lifespan starts it after start-up; a request that comes first starts it itself)."
        if self._task is None: self._task = asyncio.get_running_loop().create_task(self._mount())
        return self._task

    async def _mount(self):
        module_name, function = self.target.split(":")
        try:
            module = await asyncio.to_thread(importlib.import_module, module_name)
            getattr(module, function)(self.app)
        except Exception:
            log.exception("could not mount %s", self.target)
            raise
        for route in self._placeholders: self.app.router.routes.remove(route)

    async def __call__(self, scope, receive, send):   # the placeholders' ASGI app
        await asyncio.shield(self.start())
        await self.app.router(scope, receive, send)
