"""The OpenAPI 3.1 document of the JSON API, built from the form definitions."""

from __future__ import annotations

from xietiao.forms.definitions import FormDef
from xietiao.forms.schema import json_schema
from xietiao.jsonvalue import Doc

_ERROR: Doc = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_FIELD_ERRORS: Doc = {
    "type": "object",
    "properties": {
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    },
    "required": ["errors"],
}


_STALE: Doc = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "version": {"type": "integer"}},
    "required": ["error"],
}


def _json(schema: Doc, description: str) -> Doc:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _form_path(form: FormDef) -> Doc:
    body: Doc = {
        "type": "object",
        "additionalProperties": False,
        "required": ["action", "data"],
        "properties": {
            "action": {"enum": ["draft", "submit"]},
            "data": json_schema(form),
            "number": {"type": "string", "description": "修改已有草稿或被退回的填报时给出"},
            "version": {
                "type": "integer",
                "minimum": 0,
                "description": "修改时必填：读取该记录时得到的 version；期间他人保存过则返回 409 和当前版本号",
            },
        },
    }
    saved: Doc = {
        "type": "object",
        "properties": {"number": {"type": "string"}, "status": {"type": "string"}, "version": {"type": "integer"}},
    }
    return {
        "post": {
            "summary": f"{form.title}：保存草稿或提交",
            "operationId": f"submit_{form.name}",
            "parameters": [{"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {
                "201": _json(saved, "已保存"),
                "200": _json(saved, "已更新"),
                "400": _json(_ERROR, "请求格式有误"),
                "401": _json(_ERROR, "未登录"),
                "403": _json(_ERROR, "无权限或 CSRF 校验失败"),
                "404": _json(_ERROR, "没有该记录"),
                "409": _json(_STALE, "当前状态不允许修改，或记录已被他人保存（附当前版本号）"),
                "413": _json(_ERROR, "请求过大"),
                "415": _json(_ERROR, "不是 JSON"),
                "422": _json(_FIELD_ERRORS, "字段校验未通过"),
            },
        }
    }


def openapi_document(forms: dict[str, FormDef]) -> Doc:
    paths: Doc = {
        "/api/login": {
            "post": {
                "summary": "登录，返回 CSRF 令牌并设置会话 Cookie",
                "operationId": "login",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["username", "password"],
                                "additionalProperties": False,
                                "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"csrf": {"type": "string"}}, "required": ["csrf"]}, "已登录"
                    ),
                    "400": _json(_ERROR, "请求格式有误"),
                    "401": _json(_ERROR, "用户名或密码错误"),
                    "429": _json(_ERROR, "尝试次数过多"),
                    "503": _json(_ERROR, "同时登录的人太多，稍后再试"),
                },
            }
        },
        "/api/forms": {
            "get": {
                "summary": "全部表单及其 JSON Schema",
                "operationId": "list_forms",
                "responses": {
                    "200": _json({"type": "array", "items": {"type": "object"}}, "表单列表"),
                    "401": _json(_ERROR, "未登录"),
                },
            }
        },
        "/api/forms/{name}/versions/{version}": {
            "get": {
                "summary": "表单的某一版本及其 JSON Schema（读取按旧版本填写的记录时用）",
                "operationId": "get_form_version",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "version", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
                ],
                "responses": {
                    "200": _json({"type": "object"}, "表单版本"),
                    "401": _json(_ERROR, "未登录"),
                    "404": _json(_ERROR, "没有该表单或版本"),
                },
            }
        },
        "/api/submissions/{number}": {
            "get": {
                "summary": "查看一条填报（仅本单位或牵头部门可见）",
                "operationId": "get_submission",
                "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "form_version": {
                                    "type": "integer",
                                    "description": "data 所依据的表单版本，见 /api/forms/{name}/versions/{version}",
                                }
                            },
                        },
                        "填报记录",
                    ),
                    "401": _json(_ERROR, "未登录"),
                    "404": _json(_ERROR, "没有该记录或无权查看"),
                },
            }
        },
    }
    for form in forms.values():
        paths[f"/api/forms/{form.name}"] = _form_path(form)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "重大项目协调例会系统 API",
            "version": "1.0.0",
            "description": "各业务系统通过本接口报送项目、议题、上会材料、月度进展和销号申请。",
        },
        "paths": paths,
    }
