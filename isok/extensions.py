"""One instance of each Flask extension, initialised by the app factory."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from isok.database import Base

db = SQLAlchemy(model_class=Base)

# The class every model derives from. Flask-SQLAlchemy builds db.Model at run time from the declarative base (adding
# table names made from class names), so a type checker cannot see through it; to one, a model is a Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
