#!/usr/bin/python3
"""Writes nsfwjs's MobileNetV2 as an ONNX graph that Debian's OpenCV 4.6 DNN runs.

    nsfw-onnx.py DUMP_DIR OUT.onnx

DUMP_DIR holds layers.json and weights.bin from nsfw-dump.js. The graph's input is "input",
float32 N x 3 x 224 x 224 (NCHW, RGB, pixel / 255: nsfwjs's preprocessing), its output "scores",
N x 5 softmax scores in nsfwjs's class order. Opset 10, which OpenCV 4.6 reads fully: Clip's
limits are attributes and Dense is Gemm with transB=1. Each BatchNormalization is folded into the
convolution before it, and each ZeroPadding2D into the convolution after it.
"""
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 10


def main(dump_dir, out_path):
    with open(os.path.join(dump_dir, "layers.json")) as f:
        spec = json.load(f)
    blob = np.fromfile(os.path.join(dump_dir, "weights.bin"), dtype="<f4")

    def weights(layer):
        return [blob[w["offset"] // 4:w["offset"] // 4 + w["count"]].reshape(w["shape"])
                for w in layer["weights"]]

    layers = spec["layers"]
    by_name = {l["name"]: l for l in layers}
    consumers = {l["name"]: [] for l in layers}
    for l in layers:
        for src in l["inbound"]:
            consumers[src].append(l["name"])

    nodes, inits = [], []
    tensor = {}  # layer name -> ONNX tensor name of its output
    shape = {}   # layer name -> (C, H, W) of its output (NCHW, batch left out)
    pending_pad = {}  # ZeroPadding2D layer name -> (top, bottom, left, right), folded forward

    def init(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def source(layer):
        """The inbound tensor of a single-input layer and any zero padding folded into it."""
        (src,) = layer["inbound"]
        if src in pending_pad:
            (inner,) = by_name[src]["inbound"]
            return tensor[inner], shape[inner], pending_pad[src]
        return tensor[src], shape[src], (0, 0, 0, 0)

    def conv_pads(layer, hw, pad):
        """ONNX pads [top, left, bottom, right] for a conv's Keras padding, with TF's "same"."""
        kh, kw = layer["config"]["kernelSize"]
        sh, sw = layer["config"]["strides"]
        dh, dw = layer["config"]["dilationRate"]
        top, bottom, left, right = pad
        h, w = hw[0] + top + bottom, hw[1] + left + right
        if layer["config"]["padding"] == "same":
            def same(n, k, s, d):
                out = math.ceil(n / s)
                total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
                return total // 2, total - total // 2
            t, b = same(h, kh, sh, dh)
            l, r = same(w, kw, sw, dw)
            top, bottom, left, right = top + t, bottom + b, left + l, right + r
            h, w = h + t + b, w + l + r
        elif layer["config"]["padding"] != "valid":
            raise SystemExit("nsfw-onnx: unsupported padding " + layer["config"]["padding"])
        out_h = (h - ((kh - 1) * dh + 1)) // sh + 1
        out_w = (w - ((kw - 1) * dw + 1)) // sw + 1
        return [top, left, bottom, right], (out_h, out_w)

    def bn_after(name):
        """The BatchNormalization that alone consumes `name`, to fold into it, or None."""
        users = consumers[name]
        if len(users) == 1 and by_name[users[0]]["class"] == "BatchNormalization":
            return by_name[users[0]]
        return None

    def activation(name, kind, x):
        if kind in (None, "linear"):
            return x
        out = name + "/" + kind
        if kind == "relu":
            nodes.append(helper.make_node("Relu", [x], [out]))
        elif kind == "softmax":
            nodes.append(helper.make_node("Softmax", [x], [out], axis=1))
        else:
            raise SystemExit("nsfw-onnx: unsupported activation " + kind)
        return out

    folded = set()
    for layer in layers:
        cls, name, cfg = layer["class"], layer["name"], layer["config"]
        if cls == "InputLayer":
            _, h, w, c = cfg["batchInputShape"]
            tensor[name], shape[name] = "input", (c, h, w)
        elif cls == "ZeroPadding2D":
            (top, bottom), (left, right) = cfg["padding"]
            if not all(by_name[u]["class"] in ("Conv2D", "DepthwiseConv2D")
                       for u in consumers[name]):
                raise SystemExit("nsfw-onnx: ZeroPadding2D " + name + " not before a conv")
            pending_pad[name] = (top, bottom, left, right)
        elif cls in ("Conv2D", "DepthwiseConv2D"):
            x, (c, h, w), pad = source(layer)
            ws = weights(layer)
            kernel = ws[0]
            if cls == "Conv2D":
                kernel = kernel.transpose(3, 2, 0, 1)  # kh kw in out -> out in kh kw
                group = 1
            else:
                kh, kw, cin, mult = kernel.shape
                kernel = kernel.transpose(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
                group = cin
            bias = ws[1] if cfg.get("useBias") else np.zeros(kernel.shape[0], np.float32)
            out_name, out_layer = name, layer
            bn = bn_after(name)
            if bn is not None:
                gamma, beta, mean, var = weights(bn)
                k = gamma / np.sqrt(var + bn["config"]["epsilon"])
                kernel = kernel * k.reshape(-1, 1, 1, 1)
                bias = (bias - mean) * k + beta
                folded.add(bn["name"])
                out_name, out_layer = bn["name"], bn
            pads, (oh, ow) = conv_pads(layer, (h, w), pad)
            y = out_name
            nodes.append(helper.make_node(
                "Conv", [x, init(name + "/W", kernel), init(name + "/B", bias)], [y],
                kernel_shape=list(cfg["kernelSize"]), strides=list(cfg["strides"]),
                dilations=list(cfg["dilationRate"]), pads=pads, group=group))
            y = activation(name, cfg.get("activation"), y)
            tensor[out_name], shape[out_name] = y, (kernel.shape[0], oh, ow)
            if out_name != name:
                tensor[name], shape[name] = None, None  # only the folded BN reads it
        elif cls == "BatchNormalization":
            if name in folded:
                continue
            x, s, pad = source(layer)
            gamma, beta, mean, var = weights(layer)
            nodes.append(helper.make_node(
                "BatchNormalization",
                [x, init(name + "/gamma", gamma), init(name + "/beta", beta),
                 init(name + "/mean", mean), init(name + "/var", var)],
                [name], epsilon=cfg["epsilon"]))
            tensor[name], shape[name] = name, s
        elif cls == "ReLU":
            x, s, _ = source(layer)
            if cfg.get("negativeSlope", 0) != 0 or cfg.get("threshold", 0) != 0:
                raise SystemExit("nsfw-onnx: unsupported ReLU " + name)
            if cfg.get("maxValue") is not None:
                nodes.append(helper.make_node("Clip", [x], [name], min=0.0,
                                              max=float(cfg["maxValue"])))
            else:
                nodes.append(helper.make_node("Relu", [x], [name]))
            tensor[name], shape[name] = name, s
        elif cls == "Add":
            srcs = layer["inbound"]
            nodes.append(helper.make_node("Add", [tensor[s] for s in srcs], [name]))
            tensor[name], shape[name] = name, shape[srcs[0]]
        elif cls in ("AveragePooling2D", "MaxPooling2D"):
            x, (c, h, w), _ = source(layer)
            ph, pw = cfg["poolSize"]
            sh, sw = cfg.get("strides") or cfg["poolSize"]
            if cfg["padding"] != "valid":
                raise SystemExit("nsfw-onnx: unsupported pooling padding in " + name)
            op = "AveragePool" if cls == "AveragePooling2D" else "MaxPool"
            nodes.append(helper.make_node(op, [x], [name], kernel_shape=[ph, pw],
                                          strides=[sh, sw]))
            tensor[name], shape[name] = name, (c, (h - ph) // sh + 1, (w - pw) // sw + 1)
        elif cls == "GlobalAveragePooling2D":
            x, (c, _, _), _ = source(layer)
            nodes.append(helper.make_node("GlobalAveragePool", [x], [name + "/pool"]))
            nodes.append(helper.make_node("Flatten", [name + "/pool"], [name], axis=1))
            tensor[name], shape[name] = name, (c,)
        elif cls == "Flatten":
            x, s, _ = source(layer)
            if len(s) == 3 and s[1] * s[2] != 1:
                # Keras flattens channels-last: bring NCHW back to NHWC first.
                nodes.append(helper.make_node("Transpose", [x], [name + "/nhwc"],
                                              perm=[0, 2, 3, 1]))
                x = name + "/nhwc"
            nodes.append(helper.make_node("Flatten", [x], [name], axis=1))
            tensor[name], shape[name] = name, (int(np.prod(s)),)
        elif cls == "Dense":
            x, _, _ = source(layer)
            ws = weights(layer)
            bias = ws[1] if cfg.get("useBias") else np.zeros(cfg["units"], np.float32)
            y = name + "/gemm"
            nodes.append(helper.make_node(
                "Gemm", [x, init(name + "/W", ws[0].T), init(name + "/B", bias)], [y],
                transB=1))
            tensor[name], shape[name] = activation(name, cfg.get("activation"), y), (cfg["units"],)
        elif cls == "Dropout":
            tensor[name], shape[name] = tensor[layer["inbound"][0]], shape[layer["inbound"][0]]
        else:
            raise SystemExit("nsfw-onnx: unsupported layer " + cls + " (" + name + ")")

    last = tensor[spec["output"]]
    nodes.append(helper.make_node("Identity", [last], ["scores"]))
    c, h, w = shape[spec["input"]]
    graph = helper.make_graph(
        nodes, "nsfwjs_mobilenet_v2",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", c, h, w])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", len(spec["classes"])])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="wfc tools/models/nsfw-convert")
    model.ir_version = 5  # what opset 10 came with; OpenCV 4.6 reads it
    helper.set_model_props(model, {"nsfwjs": spec["nsfwjs"], "tfjs": spec["tfjs"],
                                   "classes": ",".join(spec["classes"])})
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: nsfw-onnx.py DUMP_DIR OUT.onnx")
    main(sys.argv[1], sys.argv[2])
