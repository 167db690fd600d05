# The golessons image, for Binder (repo2docker builds it with the build
# args NB_USER and NB_UID) and for `docker run -p 8888:8888`: JupyterLab
# and the classic notebook, Go (for %race and %go get), the kernel, and the
# lessons in the user's home, opening on the lesson index,
# notebooks/index.ipynb.
#
# Each step runs a script in install/ that CI runs too (.ci/run setup);
# what comes from outside Debian's archive is fetched by
# install/downloads.sh alone.
FROM debian:bookworm-slim

ARG NB_USER=jovyan
ARG NB_UID=1000
ENV NB_USER=${NB_USER} \
    NB_UID=${NB_UID} \
    USER=${NB_USER} \
    HOME=/home/${NB_USER} \
    LANG=C.UTF-8 \
    PATH=/opt/jupyter/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

WORKDIR /opt/golessons

# Debian's packages, and the user with a home of its own.
COPY install/deps.sh install/user.sh install/
RUN ./install/deps.sh --yes image && rm -rf /var/lib/apt/lists/*
RUN ./install/user.sh "${NB_USER}" "${NB_UID}"

# Go and Jupyter, from outside Debian's archive.
COPY go.mod go.sum ./
COPY install/downloads.sh install/
RUN ./install/downloads.sh go /usr/local \
 && ./install/downloads.sh jupyter /opt/jupyter

# The kernel: /usr/local/bin/golessons and its kernelspec in
# /usr/local/share/jupyter/kernels. Go's module and build caches serve
# this step only.
COPY . .
RUN export GOMODCACHE=/tmp/go/mod GOCACHE=/tmp/go/cache \
 && ./install/downloads.sh modules \
 && GOPROXY=off ./install/kernel.sh --prefix /usr/local \
 && go clean -modcache -cache \
 && rm -rf /tmp/go

# The lessons, in the user's home.
USER ${NB_USER}
RUN ./install/lessons.sh "${HOME}/notebooks"
WORKDIR ${HOME}

EXPOSE 8888
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/opt/golessons/install/open.sh", "--dir", ".", "--index", "notebooks/index.ipynb", "--ip=0.0.0.0", "--port=8888", "--no-browser"]
