"""qnapp – the Qt-free domain core of the Quảng Ninh gender-equality / GBV reporting app."""

__version__ = "0.1.0"
APP_NAME = "qnapp"
APP_AUTHOR = "qnapp"
