"""The formulas of computed values, as the page and the downloads write them
(« ((80 / 43.82) ^ (1 / 6) - 1) * 100 »), evaluated safely: numbers, + − × ÷,
``^`` as a power and parentheses, nothing else. The checks redo every
computed value with it.
"""

import ast
import math
import operator

_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_SIGNS = {ast.USub: operator.neg, ast.UAdd: operator.pos}


MAX_EXPRESSION = 500


class ExpressionError(ValueError):
    pass


def evaluate(expression: str) -> float:
    """The value of a formula as downloads write it: numbers, + − × ÷ (``*``,
    ``/``), ``^`` as a power and parentheses; anything else is refused."""
    if "**" in expression:
        raise ExpressionError("« ** » n’est pas une opération des formules (« ^ »).")
    # The site's formulas are a line long; a longer one is not the site's.
    if len(expression) > MAX_EXPRESSION:
        raise ExpressionError(f"formule de plus de {MAX_EXPRESSION} caractères")
    try:
        tree = ast.parse(expression.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ExpressionError(f"formule illisible\u202f: {expression}") from error

    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            try:
                return float(node.value)
            except OverflowError as error:
                raise ExpressionError(f"nombre trop grand dans {expression}") from error
        if isinstance(node, ast.UnaryOp) and type(node.op) in _SIGNS:
            return _SIGNS[type(node.op)](value(node.operand))
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = value(node.left), value(node.right)
            # Formulas raise to small powers (1/6, 2); a huge one is an error.
            if isinstance(node.op, ast.Pow) and abs(right) > 100:
                raise ExpressionError(f"puissance trop grande\u202f: {right}")
            try:
                result = _OPERATORS[type(node.op)](left, right)
            except (ZeroDivisionError, OverflowError) as error:
                raise ExpressionError(f"{error} dans {expression}") from error
            if not isinstance(result, float) or not math.isfinite(result):
                raise ExpressionError(f"pas un nombre réel\u202f: {expression}")
            return result
        raise ExpressionError(f"« {ast.unparse(node)} » n’est pas permis")

    return value(tree.body)
