"One APIRouter per resource: kicks (generate, random, paths), pack, files (upload, stored files), info."
